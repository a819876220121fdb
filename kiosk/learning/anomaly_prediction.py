"""Prediction records of an anomaly model for image files: what `teachbooth predict --json` prints for it.

    {"image": PATH, "label": "good" | "anomaly", "anomaly_score": S, "threshold": T, "heatmap": PNG?}

`label` is "anomaly" when the part's score (`anomaly.py`: its least familiar patch's distance to the
good parts' memory bank) is above the threshold. With a heat-map folder, each image's map is written
there as NAME.heat.png (`heatmap.py`) and named in its record. An exported bundle's `predict.py`
builds the same records with this file: it imports its siblings only (relatively), the standard
library, NumPy and Pillow.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from .anomaly import AnomalyDetector
from .heatmap import heat_strength, paint_heat
from .image_folder import read_image

GOOD = "good"
ANOMALY = "anomaly"


def describe_anomaly(record: dict[str, Any]) -> str:
    """A record in words, for the text output of `teachbooth predict` and a bundle's predict.py."""
    score, threshold = record["anomaly_score"], record["threshold"]
    return f"{record['image']}: {record['label']} (score {score:.3f}, threshold {threshold:.3f})"


def part_scores(backbone: Any, detector: AnomalyDetector, pixels: np.ndarray) -> np.ndarray:
    """(h, w) patch scores of one part's preprocessed `pixels`: one invoke of the backbone. The kiosk's
    Try step and station read a part with this too, so they score it as `teachbooth predict` does."""
    return detector.patch_scores(backbone.embed_maps([pixels])[0].maps[detector.feature_map])


def label_of(detector: AnomalyDetector, score: float) -> str:
    """ANOMALY above the detector's threshold, GOOD otherwise."""
    return ANOMALY if score > detector.threshold else GOOD


def _heatmap_path(folder: Path, image: str, taken: set[Path]) -> Path:
    """NAME.heat.png in `folder`; a second image of the same name gets NAME-2.heat.png, and so on."""
    stem, n = Path(image).stem, 1
    path = folder / f"{stem}.heat.png"
    while path in taken:
        n += 1
        path = folder / f"{stem}-{n}.heat.png"
    taken.add(path)
    return path


def predict_anomaly_files(
    backbone: Any,
    detector: AnomalyDetector,
    images: Iterable[str],
    read: Callable[[str], Any] = read_image,
    heatmaps: Path | None = None,
) -> tuple[list[dict], list[dict]]:
    """(predictions, errors) for image paths, in the order given.

    `backbone` has `preprocess` and `embed_maps` (the kiosk's `Backbone` or its copy in a bundle). An
    image that cannot be read goes to `errors` with the reason; the others are still judged.
    """
    predictions, errors = [], []
    taken: set[Path] = set()
    if heatmaps is not None:
        heatmaps.mkdir(parents=True, exist_ok=True)
    for image in images:
        try:
            pixels = backbone.preprocess(read(image))
        except ValueError as exc:  # UnreadableImage (missing, not an image, too large) or unusable pixels
            errors.append({"image": image, "error": f"{image} {exc}"})
            continue
        scores = part_scores(backbone, detector, pixels)
        score = float(scores.max())
        record: dict[str, Any] = {
            "image": image,
            "label": label_of(detector, score),
            "anomaly_score": score,
            "threshold": detector.threshold,
        }
        if heatmaps is not None:
            path = _heatmap_path(heatmaps, image, taken)
            strength = heat_strength(scores, detector.floor, detector.threshold, pixels.shape[:2])
            paint_heat(pixels, strength).save(path)
            record["heatmap"] = str(path)
        predictions.append(record)
    return predictions, errors

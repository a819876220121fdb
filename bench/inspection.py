"""Shop-floor inspection: defect accuracy per feature recipe, anomaly AUROC, training time and
prediction cost against the bare backbone, on rendered defect scenes; one JSON object.

    python -m bench.inspection [--train 150] [--test 100] [--big 2000] [--repeats 30] [--quick]

Everything goes through what `teachbooth train` and `eval` run (`kiosk/learning/folder_training.py`,
the CLI's configuration: augmentation "auto", 2 training threads) on PNG folders written by
`testkit/defects.py`: grey-level parts with hairline defects, good vs defective.

- Per texture (metal, casting, fabric): a classifier with the "global" recipe (the pooled vector,
  as before recipes) and one with "auto" (the recipe cross-validation picks): held-out accuracy on
  `--test` good + `--test` defective parts of other seeds, the recipe chosen and every recipe's
  cross-validated accuracy, training seconds. Then an anomaly model taught from the `--train` good
  parts alone: AUROC and accuracy at its threshold on the same test folder, training seconds.
- Prediction cost per image, on preprocessed pixels, interleaved so the machine's load hits all
  alike (median of `--repeats` passes over 20 images): the bare backbone (`embed_pixels`); a local
  recipe's features + its classifier + the open-set rule (what the Try step runs); anomaly scoring
  (one invoke with the maps + nearest-neighbour search) against a 4,000-row bank (`MAX_BANK`, the
  largest a kiosk builds) of good patches: the search's cost depends on the row count only.
- Training time at the issue's size (`--big`, 2,000: half good, half defective castings): "global"
  against "auto", with the held-out accuracy of each and the load average before and after each run,
  since the seconds mean nothing without the load they were measured under.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from bench.machine import facts, git_state
from kiosk.features.backbone import Backbone
from kiosk.features.recipes import GLOBAL
from kiosk.learning.anomaly import AnomalyDetector, patch_features
from kiosk.learning.anomaly_prediction import part_scores
from kiosk.learning.anomaly_training import MAX_BANK
from kiosk.learning.config import TrainingConfig
from kiosk.learning.folder_training import evaluate_folder, train_folder
from kiosk.learning.image_folder import read_image
from kiosk.learning.model_dir import TrainedModel
from testkit.defects import TEXTURES, parts, write_inspection_folder, write_parts

TIMED_IMAGES = 20
WORKERS = 2
"""Training threads, as `teachbooth train` uses by default."""


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def load() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def timed_training(data: Path, out: Path, backbone: Backbone, features: str) -> tuple[Any, float]:
    config = TrainingConfig(features=features, workers=WORKERS)
    start = time.perf_counter()
    result = train_folder(data, out, backbone, config)
    return result, time.perf_counter() - start


def accuracy_on(model: TrainedModel, test: Path, backbone: Backbone) -> float:
    evaluation, _ = evaluate_folder(model, test, backbone)
    return round(evaluation.accuracy, 4)


def classifier_run(train: Path, test: Path, out: Path, backbone: Backbone, features: str) -> dict[str, Any]:
    result, seconds = timed_training(train, out, backbone, features)
    chosen = result.model.training["features"]
    return {
        "recipe": result.model.recipe,
        "cv_accuracy": result.outcome.fit.cv_accuracy,
        "cv_accuracy_per_recipe": chosen["cv_accuracy"],
        "test_accuracy": accuracy_on(result.model, test, backbone),
        "train_seconds": round(seconds, 2),
        "model": result.model,
    }


def texture_run(texture: str, root: Path, backbone: Backbone, n_train: int, n_test: int) -> dict[str, Any]:
    """Global vs auto recipe, and the anomaly model of the good parts, on one texture."""
    train = write_inspection_folder(root / "train", good=n_train, defective=n_train, texture=texture, seed=1)
    test = write_inspection_folder(root / "test", good=n_test, defective=n_test, texture=texture, seed=2)
    runs = {
        features: classifier_run(train, test, root / features, backbone, features)
        for features in (GLOBAL, "auto")
    }
    good_only = root / "good_only"
    write_parts(good_only / "good", parts(n_train, texture=texture, defective=False, seed=1))
    taught, seconds = timed_training(good_only, root / "anomaly", backbone, "auto")
    evaluation, _ = evaluate_folder(taught.model, test, backbone)
    anomaly = {
        "auroc": None if evaluation.auroc is None else round(evaluation.auroc, 4),
        "accuracy": round(evaluation.accuracy, 4),
        "per_class": {label: round(share, 4) for label, share in evaluation.per_class.items()},
        "bank_rows": len(taught.model.anomaly.bank),
        "train_seconds": round(seconds, 2),
    }
    return {"classifier": runs, "anomaly": anomaly, "anomaly_model": taught.model}


def median_ms(samples: list[float]) -> float:
    return round(1000 * statistics.median(samples), 3)


def prediction_cost(
    backbone: Backbone, local: TrainedModel, anomaly: TrainedModel, pixels: list[np.ndarray], repeats: int
) -> dict[str, Any]:
    """Milliseconds per image of the bare backbone, a local recipe's whole answer and anomaly
    scoring against a full-size bank, measured interleaved in the same passes."""
    features = local.features(backbone)
    assert local.classifier is not None and anomaly.anomaly is not None
    classifier, rule = local.classifier, local.open_set

    def local_answer(image: np.ndarray) -> None:
        row = features.embed_pixels([image])
        probabilities = classifier.predict_proba(row)
        if rule is not None:
            rule.judge(row, probabilities, classifier.labels)

    detector = full_bank(anomaly.anomaly, backbone, pixels)
    methods: dict[str, Callable[[np.ndarray], object]] = {
        "backbone": lambda image: backbone.embed_pixels([image]),
        f"{local.recipe}_classifier": local_answer,
        "anomaly": lambda image: part_scores(backbone, detector, image).max(),
    }
    times: dict[str, list[float]] = {name: [] for name in methods}
    for method in methods.values():  # warm-up
        method(pixels[0])
    for _ in range(repeats):
        for image in pixels:
            for name, method in methods.items():
                start = time.perf_counter()
                method(image)
                times[name].append(time.perf_counter() - start)
    ms = {name: median_ms(samples) for name, samples in times.items()}
    bare = ms["backbone"]
    return {
        "ms_per_image": ms,
        "x_backbone": {name: round(value / bare, 3) for name, value in ms.items()},
        "anomaly_bank_rows": len(detector.bank),
        "images": len(pixels),
        "repeats": repeats,
    }


def full_bank(detector: AnomalyDetector, backbone: Backbone, pixels: list[np.ndarray]) -> AnomalyDetector:
    """`detector` with a bank of `MAX_BANK` good patches: its own rows, topped up with patches of the
    timed images (what is in the rows does not change what a search costs)."""
    found = backbone.embed_maps(pixels)
    patches = np.concatenate([patch_features(maps.maps[detector.feature_map]) for maps in found])
    rng = np.random.default_rng(0)
    extra = patches[rng.integers(0, len(patches), max(0, MAX_BANK - len(detector.bank)))]
    bank = np.concatenate([detector.bank, extra])[:MAX_BANK]
    return AnomalyDetector(bank, detector.threshold, detector.floor, detector.grid, detector.feature_map)


def big_run(root: Path, backbone: Backbone, size: int, n_test: int) -> dict[str, Any]:
    """Training time of `size` castings (half defective), global against auto, with the load."""
    half = size // 2
    train = write_inspection_folder(root / "train", good=half, defective=half, texture="casting", seed=3)
    test = write_inspection_folder(root / "test", good=n_test, defective=n_test, texture="casting", seed=4)
    runs: dict[str, Any] = {"images": 2 * half, "texture": "casting", "test_images": 2 * n_test}
    for features in (GLOBAL, "auto"):
        say(f"{2 * half} castings, {features} recipe ...")
        before = load()
        run = classifier_run(train, test, root / features, backbone, features)
        run.pop("model")
        runs[features] = {**run, "load_average_before": before, "load_average_after": load()}
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=int, default=150, help="good and defective training parts, each")
    parser.add_argument("--test", type=int, default=100, help="good and defective test parts, each")
    parser.add_argument("--big", type=int, default=2000, help="images of the training-time run (0: none)")
    parser.add_argument("--repeats", type=int, default=30, help="timing passes over the timed images")
    parser.add_argument("--quick", action="store_true", help="20 + 20 parts, 200 big, 3 passes: a smoke run")
    args = parser.parse_args()
    n_train, n_test, big, repeats = (
        (20, 20, 200, 3) if args.quick else (args.train, args.test, args.big, args.repeats)
    )
    state = git_state()
    backbone = Backbone()
    report: dict[str, Any] = {
        "bench": "inspection",
        "git": state,
        "machine": facts(),
        "backbone": backbone.path.name,
        "settings": {
            "train_each": n_train,
            "test_each": n_test,
            "big": big,
            "repeats": repeats,
            "workers": WORKERS,
        },
        "load_average_start": load(),
        "textures": {},
    }
    with tempfile.TemporaryDirectory(prefix="bench-inspection-") as tmp:
        models: dict[str, dict[str, Any]] = {}
        for texture in TEXTURES:
            say(f"{texture}: global, auto, anomaly ...")
            found = texture_run(texture, Path(tmp) / texture, backbone, n_train, n_test)
            models[texture] = {
                "auto": found["classifier"]["auto"].pop("model"),
                "anomaly": found.pop("anomaly_model"),
            }
            found["classifier"][GLOBAL].pop("model")
            report["textures"][texture] = found
        local = next((m["auto"] for m in models.values() if m["auto"].recipe != GLOBAL), None)
        if local is None:  # no texture chose a local recipe: time one anyway
            forced = classifier_run(
                Path(tmp) / "casting" / "train",
                Path(tmp) / "casting" / "test",
                Path(tmp) / "forced",
                backbone,
                "local-contrast",
            )
            local = forced["model"]
        timed = [
            backbone.preprocess(read_image(path))
            for path in sorted((Path(tmp) / "casting" / "test" / "defect").glob("*.png"))[:TIMED_IMAGES]
        ]
        say("prediction cost ...")
        report["prediction"] = prediction_cost(backbone, local, models["casting"]["anomaly"], timed, repeats)
        if big:
            report["training_time"] = big_run(Path(tmp) / "big", backbone, big, n_test)
    report["load_average_end"] = load()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

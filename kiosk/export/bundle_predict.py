#!/usr/bin/env python3
"""Label images with this exported TeachBooth model, without TeachBooth.

    python predict.py photo.jpg other.png          one line per image: label (or "not sure", or
                                                   "unknown") and the probabilities
    python predict.py photo.jpg other.png --json   one JSON object, as `teachbooth predict --json` prints
    python predict.py part.png --heatmap maps/     (a model taught from good parts only) a heat map
                                                   per image: where it differs from the good parts

Needs Python 3.10+, NumPy, Pillow and a TFLite runtime: `pip install ai-edge-litert numpy pillow`
(or `tflite-runtime` where ai-edge-litert has no wheel). Exit status: 0 when every image was
judged, 1 when any image could not be read, 2 when the model cannot be used (a file changed or
missing, a package not installed) or the command line is wrong (as `teachbooth predict`).

This file is `kiosk/export/bundle_predict.py` of TeachBooth, copied into every model bundle as
`predict.py`. It holds only the command line: the preprocessing, the backbone and the classifier
are TeachBooth's own modules, copied unchanged into `teachbooth_model/`, so this bundle computes
exactly what the kiosk and `teachbooth predict` compute, and refuses the same files (formats,
sizes) with the same messages.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

BUNDLE = Path(__file__).resolve().parent
MANIFEST = "model.json"
INSTALL = "pip install ai-edge-litert numpy pillow"


class BundleError(Exception):
    """The bundle's own files are missing, changed or unreadable, or a package it needs is missing."""


def missing_package(exc: ImportError) -> BundleError:
    """A stranger's machine without Pillow or NumPy gets the reason and the fix, not a traceback."""
    name = exc.name or str(exc)
    return BundleError(
        f"the Python package {name!r} is not installed; this model needs NumPy, Pillow and "
        f"a TFLite runtime: {INSTALL}"
    )


def load_model(bundle: Path, num_threads: int) -> tuple[Any, Any, Any]:
    """(backbone, classifier, open-set rule or None) of the bundle, after checking the backbone is
    the one trained on; for a model taught from good parts only (backbone, anomaly detector, None)."""
    if str(bundle) not in sys.path:
        sys.path.insert(0, str(bundle))  # `python -P` / `-I` leave the script's folder off the path
    try:
        from teachbooth_model.anomaly import AnomalyDetector
        from teachbooth_model.backbone import Backbone, file_sha256
        from teachbooth_model.linear_model import LinearModel, ModelFileError
        from teachbooth_model.open_set import OpenSetRule
        from teachbooth_model.recipes import GLOBAL, RecipeFeatures
    except ImportError as exc:
        raise missing_package(exc) from None

    try:
        manifest = json.loads((bundle / MANIFEST).read_text(encoding="utf-8"))
        spec = manifest["backbone"]
        backbone_file = bundle / Path(str(spec["file"])).name
        anomaly = manifest.get("kind") == "anomaly"
        model_file = bundle / Path(str(manifest["anomaly" if anomaly else "classifier"])).name
        open_set_name = manifest.get("open_set")
        open_set_file = None if open_set_name is None else bundle / Path(str(open_set_name)).name
        input_range = (float(spec["input_range"][0]), float(spec["input_range"][1]))
        labels = [str(label) for label in manifest["labels"]]
        recipe = str((manifest.get("features") or {}).get("recipe", GLOBAL))
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise BundleError(f"{bundle / MANIFEST}: unreadable model manifest ({exc!r})") from None
    if not backbone_file.is_file():
        raise BundleError(f"{backbone_file}: the backbone file is missing from the bundle")
    if file_sha256(backbone_file) != spec["sha256"]:
        raise BundleError(f"{backbone_file}: not the backbone this model was trained on (its sha256 differs)")
    if anomaly:
        try:
            return (
                Backbone(backbone_file, num_threads=num_threads, input_range=input_range),
                AnomalyDetector.load(model_file),
                None,
            )
        except (ModelFileError, ImportError, ValueError) as exc:
            raise BundleError(str(exc)) from None
    try:
        classifier = LinearModel.load(model_file)
        open_set = None if open_set_file is None else OpenSetRule.load(open_set_file)
        backbone = RecipeFeatures(
            Backbone(backbone_file, num_threads=num_threads, input_range=input_range), recipe
        )
    except (ModelFileError, ImportError, ValueError) as exc:
        raise BundleError(str(exc)) from None
    if list(classifier.labels) != labels or classifier.feature_dim != backbone.feature_dim:
        raise BundleError(f"{bundle}: the classifier does not match {MANIFEST} or the backbone")
    if open_set is not None and open_set.reference.shape[1] != classifier.feature_dim:
        raise BundleError(f"{bundle}: the open-set rule does not match the classifier")
    return backbone, classifier, open_set


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="predict.py", description=__doc__.splitlines()[0])
    parser.add_argument("images", nargs="+", metavar="IMAGE", help="image files (JPEG, PNG, BMP, TIFF)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    parser.add_argument("--heatmap", type=Path, metavar="DIR", help="anomaly models: heat map PNGs to DIR")
    parser.add_argument("--threads", type=int, default=2, help="TFLite threads (default 2)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        backbone, model, open_set = load_model(BUNDLE, max(1, args.threads))
        try:
            from teachbooth_model.anomaly import AnomalyDetector
            from teachbooth_model.anomaly_prediction import describe_anomaly, predict_anomaly_files
            from teachbooth_model.prediction import describe, predict_files
        except ImportError as exc:
            raise missing_package(exc) from None
        if args.heatmap is not None and not isinstance(model, AnomalyDetector):
            raise BundleError("--heatmap is for anomaly models (taught from good parts only)")
    except BundleError as exc:
        print(f"predict.py: {exc}", file=sys.stderr)
        return 2

    if isinstance(model, AnomalyDetector):
        predictions, errors = predict_anomaly_files(backbone, model, args.images, heatmaps=args.heatmap)
        describe_record = describe_anomaly
    else:
        predictions, errors = predict_files(backbone, model, args.images, open_set)
        describe_record = describe
    if args.json:
        print(json.dumps({"model": str(BUNDLE), "predictions": predictions, "errors": errors}))
    else:
        for record in predictions:
            print(describe_record(record))
        for error in errors:
            print(f"predict.py: {error['error']}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

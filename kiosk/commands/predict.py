"""Predict the class of images with a model folder: the label and every class's probability.

MODEL_DIR may also be a kiosk project folder: its current model is used. An image with a
NAME.mask.png beside it is cut around its object exactly as the kiosk cuts a capture.

With --json, exactly one object: {"model": MODEL_DIR, "predictions": [{"image", "label",
"probabilities": {label: p}}], "errors": [{"image", "error"}]} (an exported bundle's predict.py
prints the same). An image the model's open-set rule turns away has "label": null and a "reason",
"unknown" or "unsure" (then with the two "candidates"), before its probabilities. Exit code 0 if
every image was judged (rejected ones too), 1 if some could not be read, 2 if the model could not
be used.

An anomaly model (taught from good parts only) gives each image "label": "good" or "anomaly",
"anomaly_score" and "threshold" instead; --heatmap DIR writes a heat map of where the image differs
from the good parts to DIR/NAME.heat.png and names it under "heatmap".

Example: teachbooth predict models/fruit apple.jpg pear.png --json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kiosk.learning.anomaly_prediction import describe_anomaly, predict_anomaly_files
from kiosk.learning.masked_image import read_for_model
from kiosk.learning.model_dir import ModelDirError
from kiosk.learning.model_source import load_model_or_project
from kiosk.learning.prediction import describe, predict_files


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "model_dir", metavar="MODEL_DIR", help="a folder written by teachbooth train, or a project folder"
    )
    parser.add_argument("images", nargs="+", metavar="IMAGE", help="image files (jpg, png, bmp, tiff)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--heatmap", type=Path, metavar="DIR", help="anomaly models: write a heat map PNG per image to DIR"
    )


def run(args: argparse.Namespace) -> int:
    try:
        model = load_model_or_project(Path(args.model_dir))
        features = model.open_features()
    except ModelDirError as exc:
        print(f"teachbooth predict: {exc}", file=sys.stderr)
        return 2
    if model.anomaly is not None:
        predictions, errors = predict_anomaly_files(
            features.backbone, model.anomaly, args.images, read_for_model, args.heatmap
        )
        describe_record = describe_anomaly
    elif args.heatmap is not None:
        print(
            "teachbooth predict: --heatmap is for anomaly models (taught from good parts only)",
            file=sys.stderr,
        )
        return 2
    else:
        predictions, errors = predict_files(
            features, model.classifier, args.images, model.open_set, read=read_for_model
        )
        describe_record = describe
    if args.json:
        print(json.dumps({"model": args.model_dir, "predictions": predictions, "errors": errors}))
    else:
        for prediction in predictions:
            print(describe_record(prediction))
        for error in errors:
            print(f"teachbooth predict: {error['error']}", file=sys.stderr)
    return 1 if errors else 0

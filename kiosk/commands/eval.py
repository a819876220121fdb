"""Evaluate a model folder on a folder of labelled images: accuracy, per class, confusion matrix.

DATA_DIR is laid out like for `teachbooth train` (one sub-folder per class, each a class the model
knows: another name is refused with exit status 2, not scored as all wrong). MODEL_DIR may also be a
kiosk project folder: its current model is used. An image with a NAME.mask.png beside it is cut
around its object exactly as the kiosk cuts a capture. With --json, one JSON
object: accuracy, per_class, confusion, labels, count, misclassified and skipped (unreadable files).

For an anomaly model (taught from good parts only) the folder named like its good class holds good
parts and every other folder defective ones; --json then gives count, auroc (image AUROC, null
without both kinds), accuracy at the model's threshold, threshold, per_class, misclassified, skipped.

Example: teachbooth eval models/fruit test_photos/ --json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kiosk.learning.anomaly_evaluation import AnomalyEvaluation
from kiosk.learning.evaluate import Evaluation
from kiosk.learning.folder_training import evaluate_folder
from kiosk.learning.image_folder import DatasetError
from kiosk.learning.masked_image import read_for_model
from kiosk.learning.model_dir import ModelDirError
from kiosk.learning.model_source import load_model_or_project


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "model_dir",
        type=Path,
        metavar="MODEL_DIR",
        help="a folder written by teachbooth train, or a project folder",
    )
    parser.add_argument("data_dir", type=Path, metavar="DATA_DIR", help="one sub-folder of images per class")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    try:
        model = load_model_or_project(args.model_dir)
        evaluation, skipped = evaluate_folder(
            model, args.data_dir, model.open_backbone(), read=read_for_model
        )
    except (ModelDirError, DatasetError) as exc:
        print(f"teachbooth eval: {exc}", file=sys.stderr)
        return 2
    if args.json:
        report = evaluation.as_json()
        report["skipped"] = [item.as_json() for item in skipped]
        print(json.dumps(report))
        return 0
    if isinstance(evaluation, AnomalyEvaluation):
        _print_anomaly(evaluation)
    else:
        _print_classifier(evaluation)
    for item in skipped:
        print(f"skipped: {item.path}: {item.reason}")
    return 0


def _print_anomaly(evaluation: AnomalyEvaluation) -> None:
    auroc = (
        "not measured (needs good and defective parts)"
        if evaluation.auroc is None
        else f"{evaluation.auroc:.3f}"
    )
    print(f"AUROC: {auroc}")
    print(
        f"accuracy: {evaluation.accuracy:.1%} of {evaluation.count} images "
        f"at threshold {evaluation.threshold:.4f}"
    )
    for label, accuracy in evaluation.per_class.items():
        print(f"  {label}: {accuracy:.1%}")
    for sample, true, score in evaluation.misses[:10]:
        print(f"wrong: {sample} ({true}): score {score:.4f}")


def _print_classifier(evaluation: Evaluation) -> None:
    print(f"accuracy: {evaluation.accuracy:.1%} of {evaluation.count} images")
    for label, accuracy in evaluation.per_class.items():
        print(f"  {label}: {'no images' if accuracy is None else f'{accuracy:.1%}'}")
    width = max(len(label) for label in evaluation.labels)
    print("confusion (rows: true, columns: predicted):")
    print(" " * (width + 2) + " ".join(f"{label[:8]:>8}" for label in evaluation.labels))
    for label, row in zip(evaluation.labels, evaluation.confusion, strict=True):
        print(f"  {label:<{width}}" + " ".join(f"{count:>8}" for count in row))
    for miss in evaluation.misses[:10]:
        print(f"wrong: {miss.sample}: {miss.true} taken for {miss.predicted} ({miss.confidence:.0%})")

"""Train a classifier on a folder of labelled images and write a model folder.

DATA_DIR holds one sub-folder per class, named after it, with its images (jpg, png, bmp, tiff; any
size, grey or colour). With a single sub-folder (good parts only, e.g. `good/`) the model is an
anomaly detector: it learns what good looks like and flags anything else (`kiosk/learning/anomaly.py`).
Unreadable files are skipped and listed. The model folder (model.json +
classifier.npz) is what `teachbooth eval`, `predict` and `export` read. An existing MODEL_DIR that
is not empty is left alone unless --force is given: a model someone kept is never lost to a typo.

Example: teachbooth train photos/ --out models/fruit
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pydantic import ValidationError

from kiosk.features.backbone import Backbone
from kiosk.learning.anomaly_folder import AnomalyTraining
from kiosk.learning.config import TrainingConfig
from kiosk.learning.folder_training import train_folder
from kiosk.learning.image_folder import DatasetError
from kiosk.learning.model_dir import ModelDirError
from kiosk.learning.svm import TrainingError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = TrainingConfig()
    parser.add_argument("data_dir", type=Path, metavar="DATA_DIR", help="one sub-folder of images per class")
    parser.add_argument("--out", type=Path, required=True, metavar="MODEL_DIR", help="model folder to write")
    parser.add_argument(
        "--force", action="store_true", help="replace the model in a MODEL_DIR that holds one"
    )
    parser.add_argument(
        "--augmentation",
        choices=["auto", "on", "off"],
        default=defaults.augmentation,
        help="mirrored and shifted views as extra rows (auto: only if they raise held-out accuracy)",
    )
    parser.add_argument(
        "--features",
        choices=["auto", "global", "local-max", "local-contrast"],
        default=defaults.features,
        help="feature recipe (auto: the best by cross-validation; local ones see small marks)",
    )
    parser.add_argument("--folds", type=int, default=defaults.folds, help="most cross-validation folds")
    parser.add_argument("--seed", type=int, default=defaults.seed, help="fold split and solver seed")
    parser.add_argument("--workers", type=int, default=2, help="threads for the cross-validation fits")


def run(args: argparse.Namespace) -> int:
    try:
        config = TrainingConfig(
            augmentation=args.augmentation,
            features=args.features,
            folds=args.folds,
            seed=args.seed,
            workers=args.workers,
        )
    except ValidationError as exc:
        return _fail("; ".join(f"--{e['loc'][0]}: {e['msg']}" for e in exc.errors()))
    if not args.force and _holds_something(args.out):
        return _fail(f"{args.out} already exists and is not empty: pass --force to replace what is there")
    try:
        result = train_folder(args.data_dir, args.out, Backbone(), config)
    except (DatasetError, TrainingError, ModelDirError) as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"could not write {args.out}: {exc}")
    if isinstance(result, AnomalyTraining):
        return _report_anomaly(result)
    fit, outcome = result.outcome.fit, result.outcome
    print(f"model written to {result.model.path}")
    print("classes:")
    for label, count in outcome.counts.items():
        print(f"  {label}: {count['real']} images")
    if result.skipped:
        print(f"skipped {len(result.skipped)} file(s):")
        for item in result.skipped:
            print(f"  {item.path}: {item.reason}")
    print(f"C: {fit.c:g}")
    if fit.cv_accuracy is None:
        print("cross-validated accuracy: not measured (too few images per class to hold any out)")
    else:
        print(f"cross-validated accuracy: {fit.cv_accuracy:.1%} ({fit.folds} folds)")
    augmentation = outcome.augmentation
    print(f"augmentation: {'used' if augmentation['used'] else 'not used'} ({augmentation['reason']})")
    return 0


def _report_anomaly(result: AnomalyTraining) -> int:
    info = result.model.training
    print(f"anomaly model written to {result.model.path}")
    print(
        f"taught from {info['good']} good images of {result.model.good_label}; "
        f"memory bank {info['bank_rows']} patches"
    )
    alarms = info["oof_good_scores"]["false_alarms"]
    print(
        f"threshold: {info['threshold']:.4f} ({alarms} of {info['good']} good images above it, out of fold)"
    )
    for item in result.skipped:
        print(f"skipped: {item.path}: {item.reason}")
    return 0


def _holds_something(path: Path) -> bool:
    """A file, or a folder with anything in it (checked before minutes of training, not after)."""
    if not path.exists():
        return False
    return not path.is_dir() or any(path.iterdir())


def _fail(message: str) -> int:
    print(f"teachbooth train: {message}", file=sys.stderr)
    return 2

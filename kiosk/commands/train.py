"""Train a classifier on a folder of labelled images, or a kiosk project as its Train step does.

DATA_DIR --out MODEL_DIR: DATA_DIR holds one sub-folder per class, named after it, with its images
(jpg, png, bmp, tiff; any size, grey or colour). With a single sub-folder (good parts only, e.g.
`good/`) the model is an anomaly detector: it learns what good looks like and flags anything else
(`kiosk/learning/anomaly.py`). Unreadable files are skipped and listed. The model folder
(model.json + classifier.npz) is what `teachbooth eval`, `predict` and `export` read. An existing
MODEL_DIR that is not empty is left alone unless --force is given: a model someone kept is never
lost to a typo.

--project PROJECT_DIR: the kiosk's own training run on a project (the kiosk's or one made by
`teachbooth import`): real photos and the generated pictures a person accepted that pass the quality
gate, the real / generated / mixed check (pictures that lower accuracy on the photos are left out),
a new version that becomes the current model, and the Train step's report: accuracy, per class, the
check, and what changed against the version in use before. `teachbooth history` lists the versions,
`teachbooth rollback` goes back to one. A project that cannot train yet exits with status 2 and
says what it needs.

Examples: teachbooth train photos/ --out models/fruit
          teachbooth train --project ~/teachbooth/project
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
from kiosk.learning.training_run import TrainingRefused, TrainingReport, TrainingRun
from kiosk.store import Project, StoreError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = TrainingConfig()
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "data_dir", nargs="?", type=Path, metavar="DATA_DIR", help="one sub-folder of images per class"
    )
    source.add_argument(
        "--project", type=Path, metavar="PROJECT_DIR", help="train a kiosk project as its Train step does"
    )
    parser.add_argument("--out", type=Path, metavar="MODEL_DIR", help="model folder to write (with DATA_DIR)")
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
    parser.set_defaults(usage_error=parser.error)  # run() reports misuse the way argparse does


def run(args: argparse.Namespace) -> int:
    if args.project is not None and (args.out is not None or args.force):
        args.usage_error("--out and --force go with DATA_DIR: --project records a new version in the project")
    if args.project is None and args.out is None:
        args.usage_error("DATA_DIR needs --out MODEL_DIR")
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
    if args.project is not None:
        return _train_project(args.project, config)
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


def _train_project(root: Path, config: TrainingConfig) -> int:
    """The Train step's run on the project; its report printed as the screen words it."""
    try:
        with Project.open(root, create=False) as project:
            report = TrainingRun(project, Backbone(), config).run()
    except (TrainingRefused, StoreError) as exc:
        return _fail(str(exc))
    print(f"trained version {report.model_id} of {root}: it is the current model now")
    print_report(report)
    return 0


def print_report(report: TrainingReport) -> None:
    print(report.accuracy_words)
    for score in report.per_class:
        accuracy = "not tested" if score.accuracy is None else f"{score.accuracy:.0%}"
        print(f"  {score.label}: {accuracy} of {score.photos} photos")
    print(report.comparison_words)
    print(report.gate_words)
    print(report.changes_words)


def _holds_something(path: Path) -> bool:
    """A file, or a folder with anything in it (checked before minutes of training, not after)."""
    if not path.exists():
        return False
    return not path.is_dir() or any(path.iterdir())


def _fail(message: str) -> int:
    print(f"teachbooth train: {message}", file=sys.stderr)
    return 2

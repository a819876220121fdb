"""Export a project's samples as a dataset zip, or a trained model as a standalone bundle.

Examples: teachbooth export dataset projects/fruit --out fruit.zip [--no-generated]
          teachbooth export model projects/fruit/models/0003 --out fruit-model.zip   (or a folder)

Exit status: 0 exported, 1 the export failed, 2 a wrong command line (including --out already
existing without --force, or a --out whose folder does not exist).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.export import BadOutput, DatasetOptions, ExportError, OutputExists, export_bundle, export_dataset


def add_arguments(parser: argparse.ArgumentParser) -> None:
    what = parser.add_subparsers(dest="what", required=True, metavar="WHAT")
    dataset = _subcommand(
        what,
        "dataset",
        ("PROJECT_DIR", "a kiosk project folder"),
        ("FILE.zip", "replace an existing FILE.zip (atomically)"),
        help="samples as a zip: images/<class>/, masks/<class>/, metadata.csv",
        description="Folders per class and a CSV of metadata. Default: every accepted sample, "
        "real and generated (the CSV's source column tells them apart).",
    )
    dataset.add_argument("--no-generated", action="store_true", help="leave generated samples out")
    dataset.add_argument("--include-rejected", action="store_true", help="add samples a person rejected")
    dataset.add_argument("--include-pending", action="store_true", help="add samples not reviewed yet")
    _subcommand(
        what,
        "model",
        ("MODEL_DIR", "a trained model folder"),
        ("BUNDLE(.zip|/)", "replace an existing bundle (only a folder that holds one)"),
        help="a model bundle with a standalone predict.py",
        description="Backbone .tflite, classifier, labels, preprocessing spec and a predict.py that "
        "needs only a TFLite runtime, NumPy and Pillow. A zip if --out ends in .zip, else a folder.",
    )


def _subcommand(
    what: argparse._SubParsersAction, name: str, source: tuple[str, str], out: tuple[str, str], **text: str
) -> argparse.ArgumentParser:
    """A subcommand with its source folder, `--out` and `--force` (the part both share)."""
    command = what.add_parser(name, **text)
    command.add_argument("source", type=Path, metavar=source[0], help=source[1])
    command.add_argument("--out", type=Path, required=True, metavar=out[0])
    command.add_argument("--force", action="store_true", help=out[1])
    return command


def run(args: argparse.Namespace) -> int:
    try:
        if args.what == "dataset":
            return _dataset(args)
        return _model(args)
    except (BadOutput, OutputExists) as exc:
        return _fail(str(exc), status=2)
    except ExportError as exc:
        return _fail(str(exc), status=1)


def _dataset(args: argparse.Namespace) -> int:
    options = DatasetOptions(
        generated=not args.no_generated, rejected=args.include_rejected, pending=args.include_pending
    )
    report = export_dataset(args.source, args.out, options, force=args.force)
    for problem in report.skipped:
        _warn(f"skipped sample {problem.sample_id}: its image {problem.reason}")
    for problem in report.bad_masks:
        _warn(f"sample {problem.sample_id} exported without its mask: the mask {problem.reason}")
    counts = ", ".join(f"{label}: {count}" for label, count in report.per_class.items())
    skipped = f", {len(report.skipped)} skipped (damaged image)" if report.skipped else ""
    print(f"{report.exported} samples ({counts}){skipped} written to {report.path}")
    return 0


def _model(args: argparse.Namespace) -> int:
    report = export_bundle(args.source, args.out, force=args.force)
    labels = ", ".join(report.labels)
    print(f"model bundle ({labels}; backbone {report.backbone_file}) written to {report.path}")
    return 0


def _warn(message: str) -> None:
    print(f"teachbooth export: {message}", file=sys.stderr)


def _fail(message: str, status: int) -> int:
    _warn(message)
    return status

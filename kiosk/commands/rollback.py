"""Make an earlier model version of a kiosk project the current one (what the Try step uses).

VERSION is a number from `teachbooth history PROJECT_DIR`. Nothing is deleted: rolling back moves
the "current" mark, so a later version can be made current again the same way. An unknown version,
or one whose folder is missing or unreadable, is refused with exit status 2 and the current model
stays as it is.

Example: teachbooth rollback ~/teachbooth/project 3
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.learning.rollback import VersionError, make_current
from kiosk.store import Project, StoreError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", type=Path, metavar="PROJECT_DIR", help="kiosk project folder")
    parser.add_argument(
        "version", type=int, metavar="VERSION", help="the version to use, as history lists it"
    )


def run(args: argparse.Namespace) -> int:
    try:
        with Project.open(args.project, create=False, check="none") as project:
            before = next((model.id for model in project.models() if model.current), None)
            make_current(project, args.version)
    except (StoreError, VersionError) as exc:
        print(f"teachbooth rollback: {exc}", file=sys.stderr)
        return 2
    if before == args.version:
        print(f"version {args.version} is already the current model")
    else:
        print(f"version {args.version} is the current model now (was {before}): the Try step uses it")
    return 0

"""List a kiosk project's model versions: accuracy, when, what each trained on and what changed.

Every training (the kiosk's Train step or `teachbooth train --project`) is a version. A version is
named by its store id: never reused, so the numbers stay the same from run to run (they may skip
where a damaged version was removed). "*" marks the current version, the one the Try step uses;
`teachbooth rollback PROJECT_DIR VERSION` makes another one current.

With --json, a list, oldest first, of objects with `version` (int), `current` (bool), `accuracy`
(on the project's real photos, each tested on a model that had not seen it; null when too few to
test), `created` (ISO 8601, UTC), `per_class` (label -> accuracy or null), `photos` and `generated`
(how many it trained on; null for a version trained before the history was kept), `changes` (null
for a first version, else `previous`, `photos_added`, `photos_removed`, `generated_added`,
`generated_removed`, `generated_kept`, `accuracy` and `per_class` as differences) and `usable`
(false when its folder is missing).

Example: teachbooth history ~/teachbooth/project --json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kiosk.learning.history import VersionEntry, project_history
from kiosk.learning.version_words import changes_line
from kiosk.store import Project, StoreError

HEADER = f"{'version':>7}  {'':1}  {'created':<20}  {'accuracy':>8}  {'photos':>6}  {'generated':>9}  changes"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", type=Path, metavar="PROJECT_DIR", help="kiosk project folder")
    parser.add_argument("--json", action="store_true", help="print a JSON list")


def run(args: argparse.Namespace) -> int:
    try:
        with Project.open(args.project, create=False, check="none") as project:
            entries = project_history(project)
    except StoreError as exc:
        print(f"teachbooth history: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([entry.as_json() for entry in entries]))
    elif not entries:
        print("no versions yet: train the project (the kiosk's Train step, or teachbooth train --project)")
    else:
        print(HEADER)
        for entry in entries:
            print(row(entry))
    return 0


def _count(value: int | None) -> str:
    return "?" if value is None else str(value)


def row(entry: VersionEntry) -> str:
    """One line of the table."""
    accuracy = "-" if entry.accuracy is None else f"{entry.accuracy:.0%}"
    changes = changes_line(entry.changes) + ("" if entry.usable else " (its folder is missing)")
    return (
        f"{entry.version:>7}  {'*' if entry.current else ' '}  {entry.created:<20}  {accuracy:>8}  "
        f"{_count(entry.photos):>6}  {_count(entry.generated):>9}  {changes}"
    )

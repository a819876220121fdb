"""Import a folder of labelled images into a kiosk project, masked and cropped as the kiosk stores photos.

DATA_DIR holds one sub-folder per class, named after it, with its images (jpg, png, bmp, tiff). A
file NAME.mask.png beside an image NAME.jpg is that image's object mask (white = object): it is
stored with the image and is never a sample itself. An image without one is masked by the kiosk's
masker (the object against the backdrop along the picture's border); where the masker finds no
object the image is stored without a mask, and the summary says how many. With a mask, the stored
picture is the square crop a capture keeps around the object (--whole keeps the whole picture).

The project (--project DIR) is created if missing. Classes merge: images of a folder whose class the
project already has (same label, ignoring case) are added to it, and nothing already in the project
is changed or removed, so importing a folder twice adds its images twice. The folder is only read.

Bad input costs only itself, with one line on stderr each: an unreadable image is not imported; a
mask of the wrong size, unreadable or all black is not used (the kiosk masks the image instead);
non-image files, masks without their image and empty class folders are listed and left alone.

Exit status: 0 when every file was imported as it is; 1 when some were not (each listed, the rest
imported); 2 when nothing could be imported (DATA_DIR missing or without any class folder or image,
the project cannot be opened or written).

Example: teachbooth import photos/ --project ~/teachbooth/project
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.folder_import import FolderImport, import_folder
from kiosk.learning.image_folder import DatasetError
from kiosk.store import Project, StoreError

NOTHING_IMPORTED = 2
SOME_NOT_IMPORTED = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("data_dir", type=Path, metavar="DATA_DIR", help="one sub-folder of images per class")
    parser.add_argument(
        "--project", type=Path, required=True, metavar="DIR", help="kiosk project folder (created if missing)"
    )
    parser.add_argument(
        "--whole", action="store_true", help="store whole pictures, not the square crop around the object"
    )


def run(args: argparse.Namespace) -> int:
    try:
        with Project.open(args.project) as project:
            report = import_folder(args.data_dir, project, crop=not args.whole)
    except (DatasetError, StoreError) as exc:
        print(f"teachbooth import: {exc}", file=sys.stderr)
        return NOTHING_IMPORTED
    for problem in report.problems:
        print(
            f"teachbooth import: {_relative(problem.path, args.data_dir)}: {problem.reason}", file=sys.stderr
        )
    _print_summary(report, args.project)
    return SOME_NOT_IMPORTED if report.problems else 0


def _print_summary(report: FolderImport, project: Path) -> None:
    for item in report.classes:
        joined = "new class" if item.created else "added to the existing class"
        print(
            f"{item.label}: {item.imported} image(s) imported ({joined}): {item.own_mask} with their own "
            f"mask, {item.masked_here} masked by the kiosk, {item.without_mask} without a mask"
        )
    own = sum(item.own_mask for item in report.classes)
    masked = sum(item.masked_here for item in report.classes)
    print(
        f"imported {report.imported} image(s) into {len(report.classes)} class(es) of {project}: "
        f"{own} with their own mask, {masked} masked by the kiosk, {report.imported - own - masked} without "
        f"a mask; {len(report.problems)} problem(s)"
    )


def _relative(path: Path, root: Path) -> Path:
    try:
        return path.relative_to(root)
    except ValueError:
        return path

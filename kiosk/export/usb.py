"""The admin screen's export: the visitor's dataset and current model onto a USB stick.

Both go through `kiosk.export` (the same files `teachbooth export` writes: a dataset zip and a
standalone model bundle zip), named with the time so a second export never overwrites the first.
"""

from __future__ import annotations

import time
from pathlib import Path

from kiosk.export import export_bundle, export_dataset
from kiosk.export.errors import ExportError
from kiosk.store import Project


def export_to(folder: Path, project: Project, now: float | None = None) -> list[Path]:
    """Write the dataset (and the current model's bundle, if there is one) into `folder`; the paths
    written. ExportError (as `kiosk.export` raises it) when the folder is missing or unwritable or
    there is nothing to export."""
    if not folder.is_dir():
        raise ExportError(f"{folder} is not a folder: is the USB stick plugged in and mounted?")
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(time.time() if now is None else now))
    written = [export_dataset(project.root, folder / f"teachbooth-dataset-{stamp}.zip").path]
    current = next((model for model in project.models() if model.current), None)
    if current is not None:
        written.append(export_bundle(current.path, folder / f"teachbooth-model-{stamp}.zip").path)
    return written

"""Copies of a trained model folder with its open-set rule changed or taken out."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

from kiosk.learning.model_dir import MANIFEST, OPEN_SET, load_model


def without_open_set(model_dir: Path, folder: Path) -> Path:
    """A copy as a model trained before the open-set rule existed was saved: no rule file, no key."""
    shutil.copytree(model_dir, folder)
    (folder / OPEN_SET).unlink()
    manifest = json.loads((folder / MANIFEST).read_text())
    del manifest["open_set"]
    (folder / MANIFEST).write_text(json.dumps(manifest))
    return folder


def change_open_set(model_dir: Path, **change) -> None:
    """Change some fields of the model's open-set rule (`min_confidence`, `max_distance`, ...) in place."""
    rule = load_model(model_dir).open_set
    assert rule is not None, f"{model_dir} has no open-set rule to change"
    replace(rule, **change).save(model_dir / OPEN_SET)


def with_open_set_changed(model_dir: Path, folder: Path, **change) -> Path:
    """A copy whose open-set rule has some fields changed."""
    shutil.copytree(model_dir, folder)
    change_open_set(folder, **change)
    return folder

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from kiosk.store import Project


def solid(color: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (40, 30)) -> Image.Image:
    """A small image with a gradient so JPEG round trips are not trivially flat."""
    width, height = size
    ramp = np.linspace(0, 40, width, dtype=np.float32)[None, :, None]
    pixels = np.clip(np.array(color, dtype=np.float32)[None, None, :] + ramp, 0, 255)
    return Image.fromarray(np.broadcast_to(pixels, (height, width, 3)).astype(np.uint8))


def square_mask(size: tuple[int, int] = (40, 30)) -> Image.Image:
    mask = Image.new("L", size, 0)
    mask.paste(255, (10, 5, 30, 25))
    return mask


def trained(project: Project, content: bytes = b"svm") -> str:
    """A model folder as training leaves it (files only, not yet recorded); returns its name."""
    folder = project.new_model_folder()
    (folder / "classifier.bin").write_bytes(content)
    (folder / "labels.json").write_text('["apple", "pear"]')
    return folder.name


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    with Project.open(tmp_path / "proj") as opened:
        yield opened


@pytest.fixture
def two_classes(project: Project):
    return project.add_class("apple"), project.add_class("pear")

"""Tiny rendered datasets with a known answer: a coloured shape on a noisy backdrop per class.

Kept few and small (the backbone takes ~8 ms an image): the classes differ in colour and shape so
a classifier on real backbone features must tell them apart, and every image differs in position,
size, backdrop and grain so the held-out accuracy is measured, not memorised.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

SHAPES = ("disc", "square", "bar", "triangle", "ring")
CLASSES = {"apple": ((200, 30, 30), "disc"), "leaf": ((40, 160, 50), "square"), "sky": ((40, 70, 200), "bar")}


def render(label: str, rng: np.random.Generator, size: int = 64) -> Image.Image:
    """An image of one of the test classes (`CLASSES`)."""
    colour, shape = CLASSES[label]
    return render_shape(shape, colour, rng, size)


def render_shape(
    shape: str, colour: tuple[int, int, int], rng: np.random.Generator, size: int = 64
) -> Image.Image:
    """A shape of `SHAPES` in a jittered `colour`, at a random place and size on a random light backdrop."""
    backdrop = tuple(int(v) for v in rng.integers(150, 230, 3))
    image = Image.new("RGB", (size, size), backdrop)
    draw = ImageDraw.Draw(image)
    radius = rng.uniform(0.22, 0.32) * size
    cx, cy = rng.uniform(radius, size - radius, 2)
    tint = tuple(int(np.clip(c + rng.integers(-25, 26), 0, 255)) for c in colour)
    box = [cx - radius, cy - radius, cx + radius, cy + radius]
    if shape == "disc":
        draw.ellipse(box, fill=tint)
    elif shape == "square":
        draw.rectangle(box, fill=tint)
    elif shape == "triangle":
        draw.polygon([(cx, cy - radius), (cx - radius, cy + radius), (cx + radius, cy + radius)], fill=tint)
    elif shape == "ring":
        draw.ellipse(box, outline=tint, width=max(2, round(radius / 3)))
    else:
        draw.rectangle([cx - radius, cy - radius / 3, cx + radius, cy + radius / 3], fill=tint)
    grain = rng.integers(-10, 11, (size, size, 3))
    return Image.fromarray(np.clip(np.asarray(image, dtype=np.int16) + grain, 0, 255).astype(np.uint8))


def write_dataset(
    root: Path, per_class: int = 5, labels: tuple[str, ...] = ("apple", "leaf", "sky"), seed: int = 0
) -> Path:
    """root/<label>/<label>_<i>.png (every third one a JPEG); returns root."""
    rng = np.random.default_rng(seed)
    for label in labels:
        (root / label).mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            suffix = ".jpg" if i % 3 == 2 else ".png"
            render(label, rng).save(root / label / f"{label}_{i}{suffix}")
    return root

"""A new angle: small rotation, scale, mirror and shift of image and mask together.

Visitors tend to hold an object the same way every time, so the classifier
can learn its pose. Small similarity transforms stand in for turning it a
little. The uncovered border is filled by mirroring the frame rather than
with black, because black corners are themselves a shortcut a classifier
would happily learn ("generated images have black corners"). The mask is
sampled with exactly the same mapping, so it keeps describing the pixels.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from shared.variations.frame import Frame

#: Largest rotation either way, reached at change = 1.
MAX_ROTATION_DEGREES = 25.0
#: Scale is exp(u x log(MAX_SCALE) x change), u in [-1, 1]: about 0.83..1.2 at change = 1.
MAX_SCALE = 1.2
#: Chance of a horizontal mirror at change = 1 (scaled down with change, so 0 never mirrors).
MAX_FLIP_PROBABILITY = 0.5
#: Largest shift, as a fraction of the frame's width and height.
MAX_SHIFT = 0.08
#: Sampled mask values at or above this are object (the mask is resampled like a grey image).
MASK_CUT = 0.5


def _reflect(index: np.ndarray, size: int) -> np.ndarray:
    """Fold any integer index into 0..size-1 by mirroring at the borders (edge pixel repeated)."""
    period = 2 * size
    folded = index % period
    return np.where(folded < size, folded, period - 1 - folded)


def sample_bilinear(planes: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Sample (height, width, channels) `planes` at float pixel positions, mirroring outside.

    `xs` and `ys` are (out_height, out_width) source positions of pixel centres.
    """
    height, width = planes.shape[:2]
    x_floor, y_floor = np.floor(xs), np.floor(ys)
    x_weight = (xs - x_floor)[..., None].astype(np.float32)
    y_weight = (ys - y_floor)[..., None].astype(np.float32)
    x0, y0 = x_floor.astype(np.intp), y_floor.astype(np.intp)
    left, right = _reflect(x0, width), _reflect(x0 + 1, width)
    top, bottom = _reflect(y0, height), _reflect(y0 + 1, height)
    upper = planes[top, left] * (1 - x_weight) + planes[top, right] * x_weight
    lower = planes[bottom, left] * (1 - x_weight) + planes[bottom, right] * x_weight
    return upper * (1 - y_weight) + lower * y_weight


def reposition(frame: Frame, rng: np.random.Generator, change: float) -> Frame:
    """Rotate, scale, maybe mirror and shift the frame about its centre; the mask moves with it."""
    degrees = rng.uniform(-1.0, 1.0) * MAX_ROTATION_DEGREES * change
    scale = math.exp(rng.uniform(-1.0, 1.0) * math.log(MAX_SCALE) * change)
    flip = bool(rng.random() < MAX_FLIP_PROBABILITY * change)
    height, width = frame.shape
    shift = rng.uniform(-1.0, 1.0, size=2) * MAX_SHIFT * change * np.array([width, height])

    radians = math.radians(degrees)
    rotation = np.array([[math.cos(radians), -math.sin(radians)], [math.sin(radians), math.cos(radians)]])
    mirror = np.diag([-1.0 if flip else 1.0, 1.0])
    inverse = np.linalg.inv(rotation @ mirror * scale)

    centre = np.array([(width - 1) / 2, (height - 1) / 2])
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float64)
    offset_x = xs - centre[0] - shift[0]
    offset_y = ys - centre[1] - shift[1]
    source_x = inverse[0, 0] * offset_x + inverse[0, 1] * offset_y + centre[0]
    source_y = inverse[1, 0] * offset_x + inverse[1, 1] * offset_y + centre[1]

    planes = frame.rgb
    if frame.mask is not None:
        planes = np.concatenate([planes, frame.mask[..., None].astype(np.float32)], axis=-1)
    moved = sample_bilinear(planes, source_x, source_y)

    operations = [f"rotate({degrees:+.1f}deg)", f"scale(x{scale:.2f})"]
    if flip:
        operations.append("mirror_horizontal")
    operations.append(f"shift({shift[0]:+.1f}px, {shift[1]:+.1f}px)")
    moved_frame = frame.with_step(moved[..., :3], *operations)
    if frame.mask is None:
        return moved_frame
    return replace(moved_frame, mask=moved[..., 3] >= MASK_CUT)

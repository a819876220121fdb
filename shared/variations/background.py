"""New backgrounds behind the object: the fix for "it learned the table, not the thing".

If every example of one class was shot on the same backdrop, the backdrop is
the easiest feature to learn. Procedural backdrops (flat colours, gradients,
soft blobs, stripes) are cheap, need nothing beyond NumPy, and vary exactly the
pixels the mask says are not the object.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from shared.variations.colour import hsv_to_rgb
from shared.variations.fields import directional_ramp, pixel_distance_along
from shared.variations.frame import Frame

#: The share of the new backdrop in the blend is drawn from [MIN_BLEND, 1] x change,
#: so at high change the original background is mostly replaced.
MIN_BLEND = 0.8

Backdrop = Callable[[np.random.Generator, tuple[int, int]], np.ndarray]
"""Makes a (height, width, 3) float32 backdrop in 0..255 of the given (height, width)."""


def _random_colour(rng: np.random.Generator) -> np.ndarray:
    """A plausible backdrop colour: any hue, neither neon nor black."""
    hsv = np.array([rng.uniform(0.0, 1.0), rng.uniform(0.15, 0.85), rng.uniform(0.3, 0.95)])
    return (hsv_to_rgb(hsv) * 255.0).astype(np.float32)


def _mix(first: np.ndarray, second: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Per-pixel blend of two colours by a (height, width) weight in [0, 1]."""
    return first + (second - first) * weight[..., None]


def solid(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """A flat coloured backdrop, like a paper sheet."""
    return np.broadcast_to(_random_colour(rng), (*shape, 3)).astype(np.float32)


def gradient(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """A smooth two-colour gradient in a random direction, like a studio sweep."""
    first, second = _random_colour(rng), _random_colour(rng)
    ramp = directional_ramp(shape, rng.uniform(0.0, 2.0 * math.pi))
    return _mix(first, second, (ramp + 1.0) / 2.0)


def blobs(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """Soft coloured blobs on a base colour, like an out-of-focus room behind the object."""
    height, width = shape
    ys = np.arange(height, dtype=np.float32)[:, None]
    xs = np.arange(width, dtype=np.float32)[None, :]
    backdrop = np.broadcast_to(_random_colour(rng), (*shape, 3)).astype(np.float32)
    for _ in range(int(rng.integers(3, 8))):
        centre_x, centre_y = rng.uniform(0, width), rng.uniform(0, height)
        radius = rng.uniform(0.1, 0.35) * max(shape)
        weight = np.exp(-((xs - centre_x) ** 2 + (ys - centre_y) ** 2) / (2 * radius**2))
        backdrop = _mix(backdrop, _random_colour(rng), weight)
    return backdrop


def stripes(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """Soft-edged stripes at a random angle and period, like fabric or wallpaper."""
    first, second = _random_colour(rng), _random_colour(rng)
    period = rng.uniform(0.05, 0.3) * max(shape)
    phase = 2.0 * math.pi * pixel_distance_along(shape, rng.uniform(0.0, math.pi)) / period
    return _mix(first, second, np.clip(np.sin(phase) * 3.0, -1.0, 1.0) / 2.0 + 0.5)


BACKDROPS: dict[str, Backdrop] = {"solid": solid, "gradient": gradient, "blobs": blobs, "stripes": stripes}


def new_background(frame: Frame, rng: np.random.Generator, change: float) -> Frame:
    """Blend a procedural backdrop into the pixels outside the mask; the object stays identical.

    Needs a mask: without one there is no background to tell apart.
    """
    if frame.mask is None:
        raise ValueError("new_background needs an object mask")
    name = str(rng.choice(sorted(BACKDROPS)))
    backdrop = BACKDROPS[name](rng, frame.shape)
    blend = rng.uniform(MIN_BLEND, 1.0) * change
    blended = frame.rgb + (backdrop - frame.rgb) * blend
    return frame.with_step(
        np.where(frame.mask[..., None], frame.rgb, blended),
        f"background({name}, blend={blend:.2f})",
    )

"""Rendered fruit pictures with known masks: the apple / pear trap, built to order.

Apples are one round blob, pears a small blob on a large one; size, position, tilt and shading vary
per picture, so shape is a real cue a backbone can learn. Object hue and backdrop colour are drawn
from whatever distributions a test asks for, which is how a test makes colour or background give a
class away, or not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shared.variations.colour import hsv_to_rgb

SIZE = 128
STEM_RGB = np.array([0.35, 0.22, 0.1])

RED = (0.97, 1.03)
"""Hue range (fraction of a turn, wrapping) of red fruit."""
GREEN = (0.22, 0.3)
BLUE_BACKDROP = (0.55, 0.65)
YELLOW_BACKDROP = (0.12, 0.18)
ANY_BACKDROP = (0.0, 1.0)


@dataclass(frozen=True)
class Scene:
    """What to draw: the fruit and the hue ranges its colour and its backdrop's colour come from."""

    fruit: str
    hue: tuple[float, float]
    backdrop_hue: tuple[float, float] = ANY_BACKDROP


def _blob(ys: np.ndarray, xs: np.ndarray, cy: float, cx: float, radius: float) -> np.ndarray:
    """Squared distance to the centre over radius squared: <= 1 inside the blob."""
    return ((ys - cy) ** 2 + (xs - cx) ** 2) / radius**2


def render(scene: Scene, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(uint8 RGB image SIZE x SIZE, bool object mask) of one picture of the scene."""
    ys, xs = np.mgrid[0:SIZE, 0:SIZE].astype(np.float64)
    cy, cx = SIZE / 2 + rng.uniform(-8, 8, size=2)
    tilt = rng.uniform(-0.35, 0.35)
    # Rotate the coordinates about the centre so the fruit leans a little.
    v, u = ys - cy, xs - cx
    ys, xs = cy + v * np.cos(tilt) - u * np.sin(tilt), cx + v * np.sin(tilt) + u * np.cos(tilt)
    radius = rng.uniform(0.22, 0.3) * SIZE
    if scene.fruit == "apple":
        squash = rng.uniform(0.9, 1.1)
        distance = _blob(ys, cx + (xs - cx) * squash, cy, cx, radius)
        top = cy - radius
    elif scene.fruit == "pear":
        body, neck = 0.85 * radius, 0.5 * radius
        distance = np.minimum(
            _blob(ys, xs, cy + 0.35 * radius, cx, body), _blob(ys, xs, cy - 0.55 * radius, cx, neck)
        )
        top = cy - 0.55 * radius - neck
    else:
        raise ValueError(f"unknown fruit {scene.fruit!r}")
    stem = (np.abs(xs - cx) < 0.04 * SIZE) & (ys > top - 0.1 * SIZE) & (ys < top + 2)
    inside = distance <= 1.0
    mask = inside | stem

    backdrop_hsv = np.array(
        [rng.uniform(*scene.backdrop_hue) % 1.0, rng.uniform(0.3, 0.7), rng.uniform(0.5, 0.9)]
    )
    ramp = (xs / SIZE - 0.5) * rng.uniform(-0.3, 0.3)
    backdrop = hsv_to_rgb(backdrop_hsv) * (1 + ramp)[..., None]
    fruit_hsv = np.array([rng.uniform(*scene.hue) % 1.0, rng.uniform(0.7, 0.9), 1.0])
    light = rng.uniform(0.6, 0.9)
    shade = np.clip(light - 0.45 * distance, 0.15, 1.0)
    fruit = hsv_to_rgb(fruit_hsv) * shade[..., None]
    rgb = np.where(inside[..., None], fruit, backdrop)
    rgb = np.where((stem & ~inside)[..., None], STEM_RGB, rgb)
    rgb = rgb + rng.normal(0, 0.02, rgb.shape)
    return np.clip(rgb * 255 + 0.5, 0, 255).astype(np.uint8), mask


def render_classes(
    scenes: dict[str, Scene], per_class: int, seed: int = 0
) -> tuple[list[np.ndarray], list[np.ndarray], list[str]]:
    """(images, masks, labels): `per_class` pictures of each named scene, classes interleaved."""
    rng = np.random.default_rng(seed)
    images, masks, labels = [], [], []
    for _ in range(per_class):
        for label, scene in scenes.items():
            image, mask = render(scene, rng)
            images.append(image)
            masks.append(mask)
            labels.append(label)
    return images, masks, labels

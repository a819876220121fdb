"""Recolouring the object: the step that breaks the red-apple / green-pear shortcut.

A hue rotation keeps the object's shading, texture and highlights (which
carry its shape) and changes only what colour it is, so a classifier that
sees the same apple in several colours has to learn something other than
"red". White and grey objects have no hue to rotate, so their low-saturation
pixels are lifted a little first, otherwise the rotation would not show.
"""

from __future__ import annotations

import numpy as np

from shared.variations.frame import Frame

#: The largest hue rotation, reached at change = 1.
MAX_HUE_DEGREES = 180.0
#: A rotation is drawn from [MIN_HUE_FRACTION, 1] x MAX_HUE_DEGREES x change, so change >= 0.5
#: always turns the hue by at least 60 degrees: a red apple really stops being red.
MIN_HUE_FRACTION = 2.0 / 3.0
#: Pixels below this saturation count as "colourless" and get lifted.
LOW_SATURATION = 0.3
#: How far towards full saturation a colourless pixel is lifted at change = 1.
MAX_SATURATION_LIFT = 0.4

# For each of the six hue sectors, which of (v, q, p, t) is red, green and blue.
_SECTOR_CHANNELS = np.array(
    [[0, 3, 2], [1, 0, 2], [2, 0, 3], [2, 1, 0], [3, 2, 0], [0, 2, 1]],
    dtype=np.intp,
)


def rgb_to_hsv(rgb: np.ndarray) -> np.ndarray:
    """(..., 3) RGB in [0, 1] to HSV in [0, 1] (hue as a fraction of a turn; 0 where undefined)."""
    red, green, blue = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    value = rgb.max(axis=-1)
    chroma = value - rgb.min(axis=-1)
    saturation = np.divide(chroma, value, out=np.zeros_like(value), where=value > 0)
    safe_chroma = np.where(chroma > 0, chroma, 1)
    red_dist = (value - red) / safe_chroma
    green_dist = (value - green) / safe_chroma
    blue_dist = (value - blue) / safe_chroma
    hue = np.where(
        red == value,
        blue_dist - green_dist,
        np.where(green == value, 2.0 + red_dist - blue_dist, 4.0 + green_dist - red_dist),
    )
    hue = np.where(chroma > 0, (hue / 6.0) % 1.0, 0.0)
    return np.stack([hue, saturation, value], axis=-1).astype(rgb.dtype, copy=False)


def hsv_to_rgb(hsv: np.ndarray) -> np.ndarray:
    """(..., 3) HSV in [0, 1] (hue as a fraction of a turn) to RGB in [0, 1]."""
    hue, saturation, value = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    scaled = (hue % 1.0) * 6.0
    sector = np.floor(scaled)
    fraction = scaled - sector
    candidates = np.stack(
        [
            value,
            value * (1.0 - saturation * fraction),
            value * (1.0 - saturation),
            value * (1.0 - saturation * (1.0 - fraction)),
        ],
        axis=-1,
    )
    channels = _SECTOR_CHANNELS[sector.astype(np.intp) % 6]
    return np.take_along_axis(candidates, channels, axis=-1)


def recolour(frame: Frame, rng: np.random.Generator, change: float) -> Frame:
    """Rotate the hue of the object (the whole frame without a mask); other pixels stay identical."""
    magnitude = rng.uniform(MIN_HUE_FRACTION, 1.0) * MAX_HUE_DEGREES * change
    degrees = magnitude * rng.choice([-1.0, 1.0])
    lift = MAX_SATURATION_LIFT * change

    inside = frame.object_mask
    hsv = rgb_to_hsv(frame.rgb / 255.0)
    saturation = hsv[..., 1]
    colourless = np.clip(1.0 - saturation / LOW_SATURATION, 0.0, 1.0)
    hsv[..., 1] = saturation + (1.0 - saturation) * lift * colourless
    hsv[..., 0] = hsv[..., 0] + degrees / 360.0
    recoloured = hsv_to_rgb(hsv) * 255.0

    operations = [f"hue_rotate({degrees:+.0f}deg)"]
    if lift > 0 and bool(np.any(colourless[inside] > 0)):
        operations.append(f"saturation_lift({lift:.2f})")
    return frame.with_step(np.where(inside[..., None], recoloured, frame.rgb), *operations)

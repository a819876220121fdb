"""Changing the light: brightness, contrast, colour temperature and a soft side light.

A kiosk camera sees one fixed lamp; a classifier trained only under it
learns that lamp. These are the cheap, global changes a different room,
time of day or window would make, applied to the whole frame because light
falls on the object and its surroundings alike.
"""

from __future__ import annotations

import math

import numpy as np

from shared.variations.fields import directional_ramp
from shared.variations.frame import Frame

#: Brightness and contrast are multiplied by exp(u x this x change), u in [-1, 1]:
#: symmetric in log space, so darker and brighter are equally likely.
MAX_LOG_BRIGHTNESS = 0.4
MAX_LOG_CONTRAST = 0.35
#: Warm/cool shift: red gains and blue loses this fraction (or the reverse) at change = 1.
MAX_TEMPERATURE = 0.15
#: A directional light brightens one side and darkens the other by up to this fraction.
MIN_SIDE_LIGHT, MAX_SIDE_LIGHT = 0.15, 0.4


def relight(frame: Frame, rng: np.random.Generator, change: float) -> Frame:
    """Re-light the whole frame with strength scaled by `change` (0 leaves it unchanged)."""
    brightness = math.exp(rng.uniform(-1.0, 1.0) * MAX_LOG_BRIGHTNESS * change)
    contrast = math.exp(rng.uniform(-1.0, 1.0) * MAX_LOG_CONTRAST * change)
    temperature = rng.uniform(-1.0, 1.0) * MAX_TEMPERATURE * change
    light_angle = rng.uniform(0.0, 2.0 * math.pi)
    side_light = rng.uniform(MIN_SIDE_LIGHT, MAX_SIDE_LIGHT) * change

    rgb = frame.rgb
    mean = float(rgb.mean())
    rgb = (rgb - mean) * contrast + mean
    tint = np.array([1.0 + temperature, 1.0, 1.0 - temperature], dtype=np.float32)
    gain = 1.0 + side_light * directional_ramp(frame.shape, light_angle)
    rgb = rgb * (brightness * tint) * gain[..., None]
    return frame.with_step(
        rgb,
        f"brightness(x{brightness:.2f})",
        f"contrast(x{contrast:.2f})",
        f"colour_temperature({temperature:+.2f})",
        f"side_light(dir={math.degrees(light_angle):.0f}deg, strength={side_light:.2f})",
    )

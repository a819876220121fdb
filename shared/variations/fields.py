"""Scalar fields over the image plane, shared by lighting and backgrounds.

A soft light gradient and a gradient or striped backdrop are the same
thing underneath: a value that changes along one direction across the frame.
"""

from __future__ import annotations

import numpy as np


def pixel_distance_along(shape: tuple[int, int], angle: float) -> np.ndarray:
    """A (height, width) float32 field: signed distance in pixels along `angle` (radians) from the centre."""
    height, width = shape
    ys = np.arange(height, dtype=np.float32) - (height - 1) / 2
    xs = np.arange(width, dtype=np.float32) - (width - 1) / 2
    return (np.cos(angle) * xs[None, :] + np.sin(angle) * ys[:, None]).astype(np.float32)


def directional_ramp(shape: tuple[int, int], angle: float) -> np.ndarray:
    """A (height, width) float32 field in [-1, 1] rising along `angle` (radians, image axes).

    The ramp is normalised by its own extreme so that its strength does not
    depend on the aspect ratio; a 1x1 frame gets a flat zero field.
    """
    distance = pixel_distance_along(shape, angle)
    extreme = float(np.abs(distance).max())
    if extreme == 0.0:
        return np.zeros(shape, dtype=np.float32)
    return distance / np.float32(extreme)

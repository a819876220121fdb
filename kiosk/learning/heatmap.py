"""The anomaly heat map: where on the part the detector found what no good part had.

Patch scores (`anomaly.py`, one per cell of the feature map) are stretched bilinearly over the
model's input picture and painted over it: nothing below the median patch score of held-out good
parts (`floor`), full strength from the threshold up, so a part below the threshold shows at most
faint colour and a flagged one shows its defect in full. NumPy and Pillow only, relative imports:
model bundles carry this file unchanged and draw the same maps as `teachbooth predict --heatmap`.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

HEAT_RGB = (255, 40, 40)
"""Red: on grey parts the colour farthest from everything it covers."""
HEAT_SHARE = 0.6
"""At full heat, this share of a pixel is the heat colour."""


def heat_strength(scores: np.ndarray, floor: float, threshold: float, size: tuple[int, int]) -> np.ndarray:
    """(height, width) 0..1: the (h, w) patch `scores` stretched over a picture of `size` (h, w)."""
    grid = Image.fromarray(np.asarray(scores, dtype=np.float32), mode="F")
    stretched = np.asarray(grid.resize((size[1], size[0]), Image.Resampling.BILINEAR), dtype=np.float32)
    return np.clip((stretched - floor) / max(threshold - floor, 1e-6), 0.0, 1.0)


def paint_heat(
    pixels: np.ndarray,
    strength: np.ndarray,
    colour: tuple[int, int, int] | np.ndarray = HEAT_RGB,
) -> Image.Image:
    """`pixels` (h, w, 3) uint8 with `strength` (h, w, 0..1) of `colour` painted over them."""
    share = strength[..., None] * HEAT_SHARE
    painted = pixels.astype(np.float32) * (1 - share) + np.asarray(colour, dtype=np.float32) * share
    return Image.fromarray(np.clip(np.rint(painted), 0, 255).astype(np.uint8))

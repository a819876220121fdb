"""Boxes around a mask: the tight one, and the square, widened one the backbone should see.

The backbone centre-crops every image to a square (kiosk/features/backbone.py), which would cut
the ends off a long thin object in a tight crop. So the crop is made square here, around the
object's box plus a margin, from real frame pixels (not padding: the backbone was trained on
photos, and the classifier learns what surrounds objects at the kiosk).
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from shared.variations.frame import MASK_THRESHOLD

Box = tuple[int, int, int, int]
"""(left, top, right, bottom) in pixels, right and bottom exclusive."""


def tight_box(mask: np.ndarray) -> Box | None:
    rows, cols = np.any(mask, axis=1), np.any(mask, axis=0)
    if not rows.any():
        return None
    top, bottom = np.flatnonzero(rows)[[0, -1]]
    left, right = np.flatnonzero(cols)[[0, -1]]
    return int(left), int(top), int(right) + 1, int(bottom) + 1


def square_box(box: Box, width: int, height: int, margin: float) -> Box:
    """A square around `box`, `margin` of its longer side wider on each side, moved to lie inside a
    width x height frame; never larger than the frame's shorter side."""
    left, top, right, bottom = box
    side = round(max(right - left, bottom - top) * (1.0 + 2.0 * margin))
    side = max(1, min(side, width, height))
    centre_x, centre_y = (left + right) / 2.0, (top + bottom) / 2.0
    x0 = int(np.clip(round(centre_x - side / 2.0), 0, width - side))
    y0 = int(np.clip(round(centre_y - side / 2.0), 0, height - side))
    return x0, y0, x0 + side, y0 + side


def crop_to_object(picture: Image.Image, mask: Image.Image, margin: float) -> tuple[Image.Image, Image.Image]:
    """The square crop a capture keeps (`square_box` around the mask's object), of picture and mask.

    A mask with no object leaves both whole.
    """
    box = tight_box(np.asarray(mask) > MASK_THRESHOLD)
    if box is None:
        return picture, mask
    crop_box = square_box(box, picture.width, picture.height, margin)
    return picture.crop(crop_box), mask.crop(crop_box)

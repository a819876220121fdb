"""The photo picker's picture: a stored photo shrunk, with its object tinted and outlined."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from kiosk.live.view import EDGE_COLOUR, photo_with_mask


def test_the_object_is_marked_and_the_backdrop_left_alone():
    photo = Image.new("RGB", (128, 128), (100, 100, 100))
    mask = Image.new("L", (128, 128), 0)
    ImageDraw.Draw(mask).rectangle((32, 32, 95, 95), fill=255)
    shown = np.asarray(photo_with_mask(photo, mask, 64))
    assert shown.shape == (64, 64, 3)
    assert (shown[0, 0] == 100).all()  # backdrop: unchanged
    assert shown[32, 32].tolist() != [100, 100, 100]  # object: tinted
    assert (shown[16, 16:48] == EDGE_COLOUR).all()  # its top edge: outlined


def test_without_a_mask_the_photo_is_only_shrunk():
    photo = Image.new("RGB", (120, 60), (10, 20, 30))
    shown = photo_with_mask(photo, None, 40)
    assert shown.size == (40, 20) and shown.getpixel((5, 5)) == (10, 20, 30)

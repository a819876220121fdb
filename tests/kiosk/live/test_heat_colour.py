"""The saliency overlay's colour stands out from what it covers, whatever the object's colour."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.live.prediction import HEAT_COLOURS, heat_colour


@pytest.mark.parametrize(
    ("object_colour", "avoided"),
    [((200, 30, 30), "Red"), ((30, 60, 200), "Blue"), ((40, 190, 40), "Green"), ((240, 220, 20), "Yellow")],
)
def test_the_overlay_colour_is_far_from_the_object_it_covers(object_colour, avoided) -> None:
    pixels = np.full((32, 32, 3), (225, 215, 200), np.float32)  # the paper backdrop
    pixels[8:24, 8:24] = object_colour
    heat = np.zeros((32, 32), np.float32)
    heat[8:24, 8:24] = 1.0  # what mattered is the object
    name, colour = heat_colour(pixels, heat)
    assert name != avoided and name in HEAT_COLOURS
    assert np.linalg.norm(colour - np.array(object_colour, np.float32)) > 200


def test_on_the_backdrop_alone_the_overlay_avoids_the_backdrop_colour() -> None:
    pixels = np.full((16, 16, 3), (225, 215, 200), np.float32)
    name, colour = heat_colour(pixels, np.ones((16, 16), np.float32))
    assert np.linalg.norm(colour - pixels[0, 0]) > 200, name

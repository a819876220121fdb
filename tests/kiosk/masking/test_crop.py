from __future__ import annotations

import numpy as np

from kiosk.masking.crop import square_box, tight_box


def test_tight_box_is_exclusive_and_none_for_an_empty_mask() -> None:
    mask = np.zeros((10, 20), bool)
    assert tight_box(mask) is None
    mask[2:5, 7:9] = True
    assert tight_box(mask) == (7, 2, 9, 5)


def test_square_box_moves_inside_the_frame_at_the_edges() -> None:
    assert square_box((0, 0, 40, 20), 640, 480, 0.25) == (0, 0, 60, 60)
    assert square_box((600, 440, 640, 480), 640, 480, 0.0) == (600, 440, 640, 480)


def test_square_box_is_never_larger_than_the_frame() -> None:
    assert square_box((0, 100, 640, 200), 640, 480, 0.15) == (80, 0, 560, 480)

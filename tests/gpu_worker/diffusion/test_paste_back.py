"""Paste-back: the source's own pixels outside the edited region, a feathered edge inside it."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from gpu_worker.diffusion.paste_back import FEATHER_PX, edited_region, feathered_alpha, paste_back


def noise(size: tuple[int, int], seed: int) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8))


def box_mask(size: tuple[int, int], box: tuple[int, int, int, int], value: int = 255) -> Image.Image:
    mask = Image.new("L", size, 0)
    mask.paste(value, box)
    return mask


def test_the_object_is_what_the_kiosk_marks_above_127_and_the_background_the_rest():
    mask = Image.fromarray(np.array([[0, 127, 128, 255]], dtype=np.uint8))
    assert np.asarray(edited_region(mask, "object")).tolist() == [[0, 0, 255, 255]]
    assert np.asarray(edited_region(mask, "background")).tolist() == [[255, 255, 0, 0]]
    assert edited_region(mask.convert("RGB"), "object").mode == "L", "any mask mode is read as grey"


def test_alpha_is_zero_outside_and_rises_one_step_per_pixel_inside():
    region = box_mask((20, 20), (5, 5, 15, 15))
    alpha = feathered_alpha(region, feather_px=3)
    assert (alpha[np.asarray(region) == 0] == 0).all()
    row = alpha[10, 4:11]  # from just outside the left edge to the middle
    np.testing.assert_allclose(row, [0, 1 / 3, 2 / 3, 1, 1, 1, 1])


def test_the_image_border_is_no_edge():
    """A background region reaches the frame's border: the feather is only where it meets the object."""
    region = edited_region(box_mask((20, 20), (8, 8, 12, 12)), "background")
    alpha = feathered_alpha(region, feather_px=3)
    assert alpha[0, 0] == 1 and alpha[0, 19] == 1 and alpha[19, 10] == 1
    np.testing.assert_allclose(alpha[10, 5:8], [1, 2 / 3, 1 / 3])


def test_feather_of_one_is_a_hard_edge():
    region = box_mask((10, 10), (2, 2, 8, 8))
    np.testing.assert_array_equal(feathered_alpha(region, feather_px=1), np.asarray(region) / 255)


def test_outside_the_region_the_source_comes_back_byte_for_byte():
    size = (40, 30)
    source, generated = noise(size, 1), noise(size, 2)
    region = box_mask(size, (10, 5, 30, 25))
    result = np.asarray(paste_back(generated, source, region))
    outside = np.asarray(region) == 0
    np.testing.assert_array_equal(result[outside], np.asarray(source)[outside])
    deep_inside = feathered_alpha(region) == 1
    assert deep_inside.sum() == (20 - 2 * (FEATHER_PX - 1)) * (20 - 2 * (FEATHER_PX - 1))
    np.testing.assert_array_equal(result[deep_inside], np.asarray(generated)[deep_inside])


def test_the_edge_inside_blends_source_and_generated():
    size = (20, 20)
    source = Image.new("RGB", size, (0, 0, 0))
    generated = Image.new("RGB", size, (240, 120, 30))
    result = np.asarray(paste_back(generated, source, box_mask(size, (5, 5, 15, 15)), feather_px=3))
    assert result[10, 5].tolist() == [80, 40, 10], "a third of the way in at the edge pixel"
    assert result[10, 6].tolist() == [160, 80, 20]
    assert result[10, 4].tolist() == [0, 0, 0]


def test_sizes_must_agree_and_the_feather_must_be_positive():
    with pytest.raises(ValueError, match="one size"):
        paste_back(noise((10, 10), 1), noise((10, 12), 2), box_mask((10, 10), (2, 2, 5, 5)))
    with pytest.raises(ValueError, match="at least 1"):
        feathered_alpha(box_mask((10, 10), (2, 2, 5, 5)), feather_px=0)

import numpy as np
import pytest

from kiosk.coach.histograms import BINS, histogram, object_and_background

RED, GREEN = (200, 30, 30), (30, 180, 40)


def two_tone(height: int = 40, width: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """A red square on a green backdrop, and its mask."""
    image = np.empty((height, width, 3), dtype=np.uint8)
    image[:] = GREEN
    mask = np.zeros((height, width), dtype=bool)
    mask[height // 4 : 3 * height // 4, width // 4 : 3 * width // 4] = True
    image[mask] = RED
    return image, mask


def plain(colour, height: int = 40, width: int = 40) -> np.ndarray:
    return np.full((height, width, 3), colour, dtype=np.uint8)


def test_a_histogram_is_a_unit_vector_that_tells_colours_apart():
    red, green = histogram(plain(RED).reshape(-1, 3)), histogram(plain(GREEN).reshape(-1, 3))
    assert red.shape == (BINS,)
    assert np.linalg.norm(red) == pytest.approx(1.0)
    assert float(red @ green) == 0.0


def test_the_mask_splits_object_from_background():
    image, mask = two_tone()
    inside, outside = object_and_background(image, mask, max_pixels=16384)
    np.testing.assert_array_equal(inside, histogram(plain(RED).reshape(-1, 3)))
    np.testing.assert_array_equal(outside, histogram(plain(GREEN).reshape(-1, 3)))
    inverted, _ = object_and_background(image, ~mask, max_pixels=16384)
    np.testing.assert_array_equal(inverted, outside)


def test_a_tint_on_grey_paper_is_not_a_colour():
    """Cream paper tinted by a red ball beside it, or by a blue box, is still the same grey; white and
    dark grey stay apart, and so do coloured cards."""
    cream, reddish, bluish = (235, 228, 215), (240, 222, 212), (226, 228, 232)
    as_histogram = [histogram(plain(colour).reshape(-1, 3)) for colour in (cream, reddish, bluish)]
    np.testing.assert_array_equal(as_histogram[0], as_histogram[1])
    np.testing.assert_array_equal(as_histogram[0], as_histogram[2])
    dark = histogram(plain((60, 58, 55)).reshape(-1, 3))
    blue_card, yellow_card = (
        histogram(plain((90, 120, 200)).reshape(-1, 3)),
        histogram(plain((230, 200, 70)).reshape(-1, 3)),
    )
    assert float(as_histogram[0] @ dark) == 0.0
    assert float(blue_card @ yellow_card) == 0.0
    assert float(blue_card @ as_histogram[0]) == 0.0


def test_the_band_around_the_mask_is_not_background():
    """A mask a little smaller than its object (a blurred edge, a mask drawn on a smaller frame)
    leaves a ring of the object's colour outside it: that ring is no part of the background."""
    image, mask = two_tone(100, 100)
    tight = np.zeros_like(mask)
    tight[27:73, 27:73] = True  # 2 px inside the red square on every side
    _, outside = object_and_background(image, tight, max_pixels=16384)
    np.testing.assert_array_equal(outside, histogram(plain(GREEN).reshape(-1, 3)))


def test_without_a_usable_mask_the_whole_picture_is_the_object():
    image, _ = two_tone()
    whole = histogram(image.reshape(-1, 3))
    for mask in (None, np.zeros(image.shape[:2], bool), np.ones(image.shape[:2], bool)):
        inside, outside = object_and_background(image, mask, max_pixels=16384)
        np.testing.assert_array_equal(inside, whole)
        assert outside is None


def test_a_huge_image_is_read_with_a_stride_and_gives_the_same_answer():
    image, mask = two_tone(4000, 6000)
    inside, outside = object_and_background(image, mask, max_pixels=16384)
    np.testing.assert_array_equal(inside, histogram(plain(RED).reshape(-1, 3)))
    np.testing.assert_array_equal(outside, histogram(plain(GREEN).reshape(-1, 3)))


def test_grey_pictures_are_accepted():
    inside, _ = object_and_background(np.full((10, 10), 90, dtype=np.uint8), None, max_pixels=16384)
    np.testing.assert_array_equal(inside, histogram(plain((90, 90, 90), 10, 10).reshape(-1, 3)))


@pytest.mark.parametrize(
    ("image", "mask", "message"),
    [
        (np.zeros((8, 8, 3), np.float32), None, "must be uint8"),
        (np.zeros((8, 8, 4), np.uint8), None, "H x W x 3"),
        (np.zeros((0, 8, 3), np.uint8), None, "H x W x 3"),
        (np.zeros((8, 8, 3), np.uint8), np.zeros((4, 4), bool), "does not match"),
    ],
)
def test_bad_pictures_and_masks_are_clear_errors(image, mask, message):
    with pytest.raises(ValueError, match=message):
        object_and_background(image, mask, max_pixels=16384)

import numpy as np
from PIL import Image

from kiosk.learning.views import SHIFT_CROP, VIEWS, view_image, view_key


def test_flip_mirrors_and_shift_cuts_the_lower_right():
    pixels = np.arange(100 * 60 * 3, dtype=np.uint32).reshape(60, 100, 3).astype(np.uint8)
    image = Image.fromarray(pixels)
    np.testing.assert_array_equal(np.asarray(view_image(image, "flip")), pixels[:, ::-1])
    shifted = np.asarray(view_image(image, "shift"))
    h, w = round(60 * SHIFT_CROP), round(100 * SHIFT_CROP)
    np.testing.assert_array_equal(shifted, pixels[60 - h :, 100 - w :])


def test_views_apply_to_the_upright_photo():
    image = Image.new("RGB", (40, 20), (0, 0, 0))
    image.paste((255, 0, 0), (0, 0, 10, 20))  # red on the stored left edge
    exif = image.getexif()
    exif[0x0112] = 3  # stored upside down: upright, the red edge is on the right
    tagged = Image.open(_save(image, exif))
    flipped = np.asarray(view_image(tagged, "flip"))
    assert flipped[10, 2, 0] > 200 and flipped[10, 37, 0] < 50


def test_view_keys_are_tied_to_the_backbone():
    assert view_key("abc", "flip") == "abc#flip"
    assert set(VIEWS) == {"flip", "shift"}


def _save(image, exif):
    import io

    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=95)
    buffer.seek(0)
    return buffer

"""The one preprocessing function: any image in, uint8 RGB at the model's size out."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageOps

from kiosk.features.backbone import NEUTRAL_GREY, preprocess_image

SIZE = 224


def check_pixels(pixels: np.ndarray, size: tuple[int, int] = (SIZE, SIZE)) -> None:
    assert pixels.shape == (*size, 3)
    assert pixels.dtype == np.uint8


def test_model_input_passes_through_unchanged():
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (SIZE, SIZE, 3), dtype=np.uint8)
    assert np.array_equal(preprocess_image(pixels), pixels)
    assert np.array_equal(preprocess_image(Image.fromarray(pixels)), pixels)


def test_array_and_pil_inputs_agree():
    rng = np.random.default_rng(1)
    frame = rng.integers(0, 256, (480, 640, 3), dtype=np.uint8)
    assert np.array_equal(preprocess_image(frame), preprocess_image(Image.fromarray(frame)))


def test_camera_frame_is_centre_cropped_not_squashed():
    frame = np.zeros((480, 640, 3), np.uint8)
    frame[:, :80] = (255, 0, 0)  # the sides a centre square leaves out
    frame[:, -80:] = (255, 0, 0)
    frame[:, 80:-80] = (0, 0, 255)
    pixels = preprocess_image(frame)
    check_pixels(pixels)
    assert (pixels[..., 0] == 0).all() and (pixels[..., 2] == 255).all()


def test_tall_image_keeps_its_middle():
    image = np.zeros((900, 300, 3), np.uint8)
    image[300:600] = 200
    pixels = preprocess_image(image)
    assert (pixels == 200).all()


def test_grey_becomes_three_equal_channels():
    grey = Image.fromarray(np.tile(np.arange(256, dtype=np.uint8), (256, 1)), mode="L")
    pixels = preprocess_image(grey)
    check_pixels(pixels)
    assert np.array_equal(pixels[..., 0], pixels[..., 1]) and np.array_equal(pixels[..., 1], pixels[..., 2])
    assert pixels[:, 0, 0].max() < 10 and pixels[:, -1, 0].min() > 245


@pytest.mark.parametrize("shape", [(50, 60), (50, 60, 1)])
def test_grey_arrays(shape):
    pixels = preprocess_image(np.full(shape, 77, np.uint8))
    check_pixels(pixels)
    assert (pixels == 77).all()


def test_bilevel_and_bool_images():
    bilevel = Image.new("1", (40, 40), 1)
    assert (preprocess_image(bilevel) == 255).all()
    assert (preprocess_image(np.ones((40, 40), bool)) == 255).all()


def test_transparent_pixels_become_neutral_grey():
    rgba = np.zeros((100, 100, 4), np.uint8)
    rgba[..., 0] = 255  # red, but invisible on the left half
    rgba[:, 50:, 3] = 255
    pixels = preprocess_image(Image.fromarray(rgba, mode="RGBA"))
    check_pixels(pixels)
    assert (pixels[:, :100] == NEUTRAL_GREY).all()  # left half of the output: transparent
    assert (pixels[:, 124:] == (255, 0, 0)).all()


def test_opaque_rgba_equals_rgb():
    rng = np.random.default_rng(2)
    rgb = rng.integers(0, 256, (300, 400, 3), dtype=np.uint8)
    rgba = np.dstack([rgb, np.full((300, 400), 255, np.uint8)])
    assert np.array_equal(preprocess_image(rgba), preprocess_image(rgb))


def test_grey_with_alpha_and_palette_with_transparency():
    la = Image.new("LA", (30, 30), (200, 0))
    assert (preprocess_image(la) == NEUTRAL_GREY).all()
    palette = Image.new("P", (30, 30), 0)
    palette.putpalette([255, 0, 0, 0, 255, 0] + [0] * (256 * 3 - 6))
    palette.info["transparency"] = 0
    assert (preprocess_image(palette) == NEUTRAL_GREY).all()
    palette.info.pop("transparency")
    assert (preprocess_image(palette) == (255, 0, 0)).all()


def test_sixteen_bit_grey_is_scaled_not_clipped():
    data = np.full((64, 64), 32896, np.uint16)  # 128 * 257
    image = Image.fromarray(data)
    assert image.mode.startswith("I;16")
    assert (preprocess_image(image) == 128).all()
    buffer = io.BytesIO()
    Image.fromarray(np.full((8, 8), 65535, np.uint16)).save(buffer, format="PNG")
    assert (preprocess_image(Image.open(buffer)) == 255).all()  # read back as "I" or "I;16"


def test_float_images():
    assert (preprocess_image(Image.fromarray(np.full((20, 20), 0.5, np.float32))) == 128).all()
    assert (preprocess_image(Image.fromarray(np.full((20, 20), 300.0, np.float32))) == 255).all()


def test_cmyk_image():
    pixels = preprocess_image(Image.new("CMYK", (50, 40), (0, 255, 255, 0)))
    check_pixels(pixels)
    assert (pixels == (255, 0, 0)).all()


@pytest.mark.parametrize("size", [(1, 1), (1, 7), (7, 1), (3, 2)])
def test_tiny_images(size):
    image = Image.new("RGB", size, (10, 200, 30))
    pixels = preprocess_image(image)
    check_pixels(pixels)
    assert (pixels == (10, 200, 30)).all()


def test_huge_image():
    width, height = 6000, 4000
    ramp = np.linspace(0, 255, width).astype(np.uint8)
    image = Image.fromarray(np.repeat(np.repeat(ramp[None, :, None], height, 0), 3, 2))
    pixels = preprocess_image(image)
    check_pixels(pixels)
    # The centre 4000 columns of the ramp, left to right, resampled smoothly.
    assert np.all(np.diff(pixels[0, :, 0].astype(int)) >= 0)
    assert abs(int(pixels[0, 0, 0]) - 43) <= 2 and abs(int(pixels[0, -1, 0]) - 212) <= 2


def test_exif_orientation_is_applied():
    image = Image.new("RGB", (300, 200), (0, 0, 0))
    image.paste((255, 255, 255), (0, 0, 150, 200))  # left half white
    exif = Image.Exif()
    exif[0x0112] = 6  # stored rotated: display needs a 90 degree turn clockwise
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", exif=exif)
    opened = Image.open(buffer)
    assert np.array_equal(preprocess_image(opened), preprocess_image(ImageOps.exif_transpose(opened)))
    upright = preprocess_image(opened)
    # After the turn, the white half is on top.
    assert upright[:100].mean() > 200 and upright[124:].mean() < 50


def test_non_square_model_input():
    pixels = preprocess_image(np.zeros((480, 640, 3), np.uint8), (120, 160))
    check_pixels(pixels, (120, 160))


@pytest.mark.parametrize(
    ("image", "error"),
    [
        (np.zeros((10, 10, 2), np.uint8), ValueError),
        (np.zeros((10,), np.uint8), ValueError),
        (np.zeros((0, 10, 3), np.uint8), ValueError),
        (np.zeros((10, 10, 3), np.complex64), ValueError),
        ("not an image", TypeError),
    ],
)
def test_bad_inputs_raise_clear_errors(image, error):
    with pytest.raises(error):
        preprocess_image(image)


def test_empty_pil_image():
    with pytest.raises(ValueError, match="pixels"):
        preprocess_image(Image.new("RGB", (0, 5)))

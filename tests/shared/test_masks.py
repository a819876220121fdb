"""Object masks on the wire: 1-bit PNGs written, 1- and 8-bit read, the image's size or a reason."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from shared.imaging import BadImage, encode_jpeg, encode_png
from shared.masks import binary_mask, decode_mask, encode_mask
from shared.protocol import ImageRecipe, JobImage, decode, encode, limits


def soft_mask(size: tuple[int, int] = (40, 30)) -> Image.Image:
    """A grey ramp: thresholding it at 127 gives the right half as the object."""
    ramp = np.tile(np.linspace(0, 255, size[0]).astype(np.uint8), (size[1], 1))
    return Image.fromarray(ramp)


def test_a_mask_is_written_as_a_1_bit_png_and_read_back_as_0_and_255():
    mask = soft_mask()
    data = encode_mask(mask, (40, 30))
    assert Image.open(io.BytesIO(data)).mode == "1"
    back = decode_mask(data, (40, 30))
    assert back.mode == "L" and set(np.unique(np.asarray(back))) == {0, 255}
    np.testing.assert_array_equal(np.asarray(back) > 127, np.asarray(mask) > 127)


def test_an_8_bit_mask_is_read_too():
    back = decode_mask(encode_png(soft_mask()), (40, 30))
    np.testing.assert_array_equal(np.asarray(back), np.asarray(binary_mask(soft_mask())))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (encode_png(Image.new("L", (20, 30))), "the mask is 20x30 but its image is 40x30"),
        (encode_jpeg(Image.new("RGB", (40, 30))), "the mask is not a PNG"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "the mask could not be decoded"),
    ],
)
def test_a_bad_mask_is_refused_with_a_reason(data, reason):
    with pytest.raises(BadImage, match=reason):
        decode_mask(data, (40, 30), "the mask")


def test_a_mask_of_another_size_is_not_written():
    with pytest.raises(BadImage, match="is 40x30 but its image is 41x30"):
        encode_mask(soft_mask(), (41, 30))


def test_a_mask_too_large_for_the_wire_is_not_written():
    """Only noise at the largest working size (4096 px) gets there: 1 bit a pixel does not compress."""
    noise = np.random.default_rng(0).integers(0, 2, (4096, 4096), dtype=np.uint8) * 255
    with pytest.raises(BadImage, match=f"the limit is {limits.MAX_MASK_BYTES:,}"):
        encode_mask(Image.fromarray(noise), (4096, 4096))


def image_event(mask: bytes | None) -> JobImage:
    recipe = ImageRecipe(backend="inpaint", change=0.5, seed=1, index=0, whole_image=False)
    image = encode_jpeg(Image.new("RGB", (40, 30)))
    return JobImage(job_id="j", worker_id="w", index=0, total=1, recipe=recipe, image=image, mask=mask)


def test_an_image_event_carries_its_mask_as_a_raw_blob():
    mask = encode_mask(soft_mask(), (40, 30))
    data = encode(image_event(mask))
    assert mask in data, "raw, never base64"
    again = decode(data)
    assert isinstance(again, JobImage) and again.mask == mask
    assert decode(encode(image_event(None))).mask is None


def test_an_image_event_with_a_bad_mask_still_travels_so_its_picture_is_not_lost():
    """The schema bounds the mask's size only; what it holds is checked where it is used (decode_mask)."""
    not_png = encode_jpeg(Image.new("RGB", (40, 30)))
    again = decode(encode(image_event(not_png)))
    assert isinstance(again, JobImage) and again.mask == not_png
    with pytest.raises(BadImage, match="is not a PNG"):
        decode_mask(again.mask, (40, 30))
    with pytest.raises(ValueError, match="at most"):
        image_event(b"\x89PNG\r\n\x1a\n" + bytes(limits.MAX_MASK_BYTES))

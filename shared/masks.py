"""Object masks on the wire: a PNG the size of its image, 1-bit when this side writes it.

A mask travels beside its image (a job's source, a generated image) and describes that image's
pixels, so one of another size would silently describe the wrong ones: both ends check the size
and refuse a mask that does not match, with a reason. Writers send 1-bit PNGs (a 1024-pixel mask
is a few kilobytes); readers also take 8-bit ones, where above `MASK_THRESHOLD` is the object.
"""

from __future__ import annotations

from PIL import Image

from shared.imaging import BadImage, decode_image, encode_png
from shared.protocol import limits
from shared.variations.frame import MASK_THRESHOLD

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def binary_mask(mask: Image.Image) -> Image.Image:
    """`mask` as mode "L" with only 0 (not the object) and 255 (the object)."""
    return mask.convert("L").point(lambda value: 255 if value > MASK_THRESHOLD else 0)


def encode_mask(mask: Image.Image, size: tuple[int, int], what: str = "mask") -> bytes:
    """A 1-bit PNG of `mask`, which must be `size` (its image's size) and fit the wire's mask limit
    (only a mask of noise at the largest working size does not): `BadImage` says why not."""
    _check_size(mask, size, what)
    data = encode_png(binary_mask(mask).convert("1", dither=Image.Dither.NONE))
    if len(data) > limits.MAX_MASK_BYTES:
        raise BadImage(f"{what} is {len(data):,} bytes as a PNG; the limit is {limits.MAX_MASK_BYTES:,}")
    return data


def decode_mask(data: bytes, size: tuple[int, int], what: str = "mask") -> Image.Image:
    """The mask in PNG `data` as mode "L" 0/255; `BadImage` if it is no PNG or not `size`."""
    if not data.startswith(PNG_MAGIC):
        raise BadImage(f"{what} is not a PNG")
    mask = decode_image(data, what)
    _check_size(mask, size, what)
    return binary_mask(mask)


def _check_size(mask: Image.Image, size: tuple[int, int], what: str) -> None:
    if mask.size != size:
        raise BadImage(f"{what} is {mask.width}x{mask.height} but its image is {size[0]}x{size[1]}")

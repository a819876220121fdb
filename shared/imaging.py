"""Decoding and encoding images that arrive from the network or a camera.

Every image a service did not make itself is hostile until proven otherwise:
Pillow reads the header lazily, so the declared size is checked *before* any
pixel is decoded (a 50 000 x 50 000 PNG is a few kilobytes and gigabytes of
memory), and every Pillow failure becomes one `BadImage` with a reason.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps

from shared.protocol import limits


class BadImage(ValueError):
    """An image that cannot or may not be decoded."""


def decode_image(
    data: bytes,
    what: str = "image",
    *,
    max_pixels: int = limits.MAX_IMAGE_PIXELS,
    max_side: int = limits.MAX_IMAGE_SIDE,
) -> Image.Image:
    """Decode JPEG or PNG bytes into a loaded image, refusing bombs and garbage."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=("JPEG", "PNG"))
            width, height = image.size
            if width < 1 or height < 1:
                raise BadImage(f"{what} has no pixels ({width}x{height})")
            if width > max_side or height > max_side or width * height > max_pixels:
                raise BadImage(
                    f"{what} is {width}x{height}; the limit is {max_side} px a side and {max_pixels:,} pixels"
                )
            image.load()
            return ImageOps.exif_transpose(image)
    except BadImage:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise BadImage(f"{what} declares more than {max_pixels:,} pixels") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise BadImage(f"{what} could not be decoded: {exc}") from None


def fit_within(image: Image.Image, max_side: int) -> Image.Image:
    """Downscale (never upscale) so the longest side is at most `max_side`."""
    if max(image.size) <= max_side:
        return image
    scale = max_side / max(image.size)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS)


def encode_jpeg(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def encode_png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()

"""Turning what callers hand in into stored JPEG/PNG bytes, and checking stored files on the way out.

Decoding goes through `shared.imaging.decode_image` (refuses bombs and garbage). Stored files
are always written by this module, so a JPEG must end with its EOI marker and a PNG with its
IEND chunk: checking those two ends finds a truncated file without decoding it, which is what
the quick check on open does. Loading does both, because Pillow may be configured elsewhere
(`ImageFile.LOAD_TRUNCATED_IMAGES`) to decode truncated files silently.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image

from kiosk.store.errors import InvalidInput
from shared.imaging import BadImage, decode_image, encode_jpeg, encode_png
from shared.protocol import limits

JPEG_QUALITY = 92

Kind = Literal["jpeg", "png"]
ImageInput = Image.Image | bytes | bytearray | memoryview | np.ndarray

_JPEG_HEAD, _JPEG_TAIL = b"\xff\xd8\xff", b"\xff\xd9"
_PNG_HEAD, _PNG_TAIL = b"\x89PNG\r\n\x1a\n", b"\x00\x00\x00\x00IEND\xaeB`\x82"
_HEADS = {"jpeg": _JPEG_HEAD, "png": _PNG_HEAD}
_TAILS = {"jpeg": _JPEG_TAIL, "png": _PNG_TAIL}


def to_image(value: object, what: str) -> Image.Image:
    """A loaded PIL image from a PIL image, encoded JPEG/PNG bytes or a uint8/bool array."""
    if isinstance(value, bytes | bytearray | memoryview):
        try:
            return decode_image(bytes(value), what)
        except BadImage as exc:
            raise InvalidInput(str(exc)) from None
    if isinstance(value, np.ndarray):
        array = value.astype(np.uint8) * 255 if value.dtype == np.bool_ else value
        if array.dtype != np.uint8 or array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] != 3):
            raise InvalidInput(
                f"{what} array must be HxW or HxWx3 uint8 (or bool), not {value.dtype} {value.shape}"
            )
        value = Image.fromarray(np.ascontiguousarray(array))
    if not isinstance(value, Image.Image):
        raise InvalidInput(
            f"{what} must be a PIL image, JPEG/PNG bytes or an array, not {type(value).__name__}"
        )
    width, height = value.size
    if width < 1 or height < 1:
        raise InvalidInput(f"{what} has no pixels ({width}x{height})")
    if max(width, height) > limits.MAX_IMAGE_SIDE or width * height > limits.MAX_IMAGE_PIXELS:
        # Stored images must stay loadable through the same limits `load_image` applies.
        raise InvalidInput(f"{what} is {width}x{height}; the limit is {limits.MAX_IMAGE_SIDE} px a side")
    return value


def encode_image(image: Image.Image) -> bytes:
    try:
        return encode_jpeg(image, quality=JPEG_QUALITY)
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"image cannot be stored as JPEG ({image.mode}): {exc}") from None


def encode_mask(mask: Image.Image, size: tuple[int, int]) -> bytes:
    if mask.size != size:
        raise InvalidInput(f"mask is {mask.width}x{mask.height} but the image is {size[0]}x{size[1]}")
    try:
        return encode_png(mask.convert("L"))
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"mask cannot be stored as PNG ({mask.mode}): {exc}") from None


def quick_problem(path: Path, kind: Kind) -> str | None:
    """Why a stored file is unusable, judged by existence, size and end markers; None if it looks whole."""
    try:
        with open(path, "rb") as file:
            size = os.fstat(file.fileno()).st_size
            head = file.read(len(_HEADS[kind]))
            if size >= len(_TAILS[kind]):
                file.seek(size - len(_TAILS[kind]))
            tail = file.read()
    except FileNotFoundError:
        return "is missing"
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    return _marker_problem(size, head, tail, kind)


def _marker_problem(size: int, head: bytes, tail: bytes, kind: Kind) -> str | None:
    if size == 0:
        return "is empty"
    if head != _HEADS[kind]:
        return f"is not a {kind.upper()} file"
    if not tail.endswith(_TAILS[kind]):
        return "is truncated"
    return None


def read_stored(path: Path, kind: Kind) -> tuple[Image.Image | None, str | None]:
    """Fully read and decode a stored file: (image, None) or (None, why it is unusable)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None, "is missing"
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror})"
    problem = _marker_problem(len(data), data[: len(_HEADS[kind])], data[-len(_TAILS[kind]) :], kind)
    if problem is not None:
        return None, problem
    try:
        return decode_image(data, "file"), None
    except BadImage as exc:
        return None, str(exc).removeprefix("file ")

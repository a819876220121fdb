"""Turning whatever a source decodes into an HxWx3 uint8 RGB frame of the camera's size.

Frames keep their aspect ratio: they are scaled to fit and centred on black bars (letterboxed), so
a 4:3 camera and a 16:9 video both give undistorted objects. Nothing here imports OpenCV at module
level; `fit_array` imports it when called, from sources that already use it.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageOps

_SIXTEEN_BIT_MODES = {"I;16", "I;16L", "I;16B", "I;16N", "I"}
_ALPHA_MODES = {"RGBA", "LA", "PA", "RGBa", "La"}


def fitted_size(source: tuple[int, int], target: tuple[int, int]) -> tuple[int, int]:
    """The largest size with `source`'s aspect ratio that fits in `target` (each side at least 1)."""
    (sw, sh), (tw, th) = source, target
    scale = min(tw / sw, th / sh)
    return max(1, min(tw, round(sw * scale))), max(1, min(th, round(sh * scale)))


def _pad(rgb: np.ndarray, target: tuple[int, int]) -> np.ndarray:
    tw, th = target
    h, w = rgb.shape[:2]
    if (w, h) == (tw, th):
        return rgb
    out = np.zeros((th, tw, 3), np.uint8)
    top, left = (th - h) // 2, (tw - w) // 2
    out[top : top + h, left : left + w] = rgb
    return out


def to_rgb(image: Image.Image) -> Image.Image:
    """An RGB image from any Pillow mode: grey, palette, CMYK, 16-bit grey (scaled to 8 bits), and
    images with transparency (composited on black, the colour of the letterbox bars)."""
    if image.mode == "RGB":
        return image
    if image.mode in _SIXTEEN_BIT_MODES or image.mode == "F":
        values = np.asarray(image, dtype=np.float32)
        if image.mode != "F" and values.size and values.max() > 255:
            values = values * (255.0 / 65535.0)
        image = Image.fromarray(np.clip(np.rint(values), 0, 255).astype(np.uint8), "L")
    if image.mode in _ALPHA_MODES or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (0, 0, 0, 255))
        background.alpha_composite(rgba)
        return background.convert("RGB")
    return image.convert("RGB")


def fit_image(image: Image.Image, target: tuple[int, int]) -> np.ndarray:
    """A loaded PIL image of any mode as a letterboxed HxWx3 uint8 RGB array of `target` (w, h)."""
    rgb = to_rgb(image)
    size = fitted_size(rgb.size, target)
    if size != rgb.size:
        rgb = rgb.resize(size, Image.Resampling.BILINEAR, reducing_gap=3.0)
    return _pad(np.asarray(rgb, dtype=np.uint8), target)


def fit_array(rgb: np.ndarray, target: tuple[int, int]) -> np.ndarray:
    """An HxWx3 uint8 RGB array letterboxed to `target` (w, h); returned as is when it already fits."""
    h, w = rgb.shape[:2]
    if (w, h) == tuple(target):
        return rgb
    import cv2

    size = fitted_size((w, h), target)
    if size != (w, h):
        shrinking = size[0] < w
        rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR)
    return _pad(rgb, target)


def draft_for(image: Image.Image, target: tuple[int, int]) -> None:
    """Let a JPEG decode at a reduced scale (1/2, 1/4, 1/8) when the frame is much smaller than
    the file; the scale still leaves at least the fitted size in either orientation (EXIF rotation
    is applied after decoding)."""
    if image.format != "JPEG":
        return
    w, h = image.size
    scale = max(min(target[0] / w, target[1] / h), min(target[0] / h, target[1] / w))
    if scale < 0.5:
        image.draft(None, (max(1, int(w * scale) + 1), max(1, int(h * scale) + 1)))


def exif_upright(image: Image.Image) -> Image.Image:
    """The image rotated as its EXIF orientation says (phone photos), or itself."""
    return ImageOps.exif_transpose(image) or image

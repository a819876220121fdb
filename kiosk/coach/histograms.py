"""Colour histograms of the object and of its background: the features of the shortcut probes.

A classifier that sees only these histograms cannot see shape, texture or parts; if it still tells
two classes apart as well as the real model does, the real model may have learned the colour (the
red-apple / green-pear trap of docs/architecture.md#research) or the backdrop instead of the object.

Bins are hue x saturation x value (12 x 3 x 3): hue carries "red or green", saturation and value
keep a white object apart from a black one and a grey backdrop from a coloured one, and three coarse
value levels are too few to describe an object's shading (which follows its shape). Counts are
normalised and square-rooted (the Hellinger embedding), so a linear classifier on them compares
distributions rather than being swamped by the largest bin.
"""

from __future__ import annotations

import math

import numpy as np

from shared.variations.colour import rgb_to_hsv

HUE_BINS, SATURATION_BINS, VALUE_BINS = 12, 3, 3
BINS = HUE_BINS * SATURATION_BINS * VALUE_BINS


def check_image(image: np.ndarray, what: str = "image") -> np.ndarray:
    """The image as uint8 RGB (H, W, 3); grey (H, W) is repeated. Anything else is a ValueError."""
    image = np.asarray(image)
    if image.dtype != np.uint8:
        raise ValueError(f"{what} must be uint8 pixels, got {image.dtype}")
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=2)
    if image.ndim != 3 or image.shape[2] != 3 or image.shape[0] < 1 or image.shape[1] < 1:
        raise ValueError(f"{what} must be H x W x 3 RGB or H x W grey, got shape {image.shape}")
    return image


def check_mask(mask: np.ndarray, image: np.ndarray, what: str = "mask") -> np.ndarray:
    """The mask as bool (H, W) matching the image; nonzero means object."""
    mask = np.asarray(mask)
    if mask.shape != image.shape[:2]:
        raise ValueError(f"{what} of shape {mask.shape} does not match its image {image.shape[:2]}")
    return mask.astype(bool, copy=False)


def _stride(shape: tuple[int, ...], max_pixels: int) -> int:
    return max(1, math.ceil(math.sqrt(shape[0] * shape[1] / max_pixels)))


def histogram(pixels: np.ndarray) -> np.ndarray:
    """Hellinger-embedded HSV histogram (BINS,) float32 of (n, 3) uint8 RGB pixels; zeros if n = 0."""
    if len(pixels) == 0:
        return np.zeros(BINS, dtype=np.float32)
    hsv = rgb_to_hsv(pixels.astype(np.float32) / np.float32(255.0))
    hue = np.minimum((hsv[:, 0] * HUE_BINS).astype(np.intp), HUE_BINS - 1)
    saturation = np.minimum((hsv[:, 1] * SATURATION_BINS).astype(np.intp), SATURATION_BINS - 1)
    value = np.minimum((hsv[:, 2] * VALUE_BINS).astype(np.intp), VALUE_BINS - 1)
    index = (hue * SATURATION_BINS + saturation) * VALUE_BINS + value
    counts = np.bincount(index, minlength=BINS).astype(np.float32)
    return np.sqrt(counts / counts.sum())


def object_and_background(
    image: np.ndarray, mask: np.ndarray | None, max_pixels: int
) -> tuple[np.ndarray, np.ndarray | None]:
    """(object histogram, background histogram or None) of one picture, read with a pixel stride.

    Without a mask, or with a mask that covers nothing or everything, the object histogram is the
    whole picture's and there is no background to describe.
    """
    image = check_image(image)
    step = _stride(image.shape, max_pixels)
    pixels = image[::step, ::step]
    if mask is None:
        return histogram(pixels.reshape(-1, 3)), None
    inside = check_mask(mask, image)[::step, ::step]
    if inside.all() or not inside.any():
        return histogram(pixels.reshape(-1, 3)), None
    return histogram(pixels[inside]), histogram(pixels[~inside])

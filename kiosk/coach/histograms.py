"""Colour histograms of the object and of its background: the features of the shortcut probes.

A classifier that sees only these histograms cannot see shape, texture or parts; if it still tells
two classes apart as well as the real model does, the real model may have learned the colour (the
red-apple / green-pear trap of docs/architecture.md#research) or the backdrop instead of the object.

Coloured pixels are binned by hue x saturation x value (12 x 2 x 3): hue carries "red or green",
saturation keeps a pastel apart from a vivid colour, and three coarse value levels are too few to
describe an object's shading (which follows its shape). Grey pixels (saturation under
`GREY_SATURATION`) are binned by value alone, so white, grey and black stay apart: the hue of a
nearly grey pixel is no colour anyone would name but the faint tint a coloured object beside it
bleeds into it (the camera's and JPEG's colour subsampling, reflections). Binned by hue, one cream
paper backdrop looked reddish around a red ball and bluish around a blue box, and "the backgrounds
alone" told the two apart. Counts are normalised and square-rooted (the Hellinger embedding), so a
linear classifier on them compares distributions rather than being swamped by the largest bin.
"""

from __future__ import annotations

import math

import numpy as np

from shared.variations.colour import rgb_to_hsv

HUE_BINS, SATURATION_BINS, VALUE_BINS = 12, 2, 3
GREY_SATURATION = 0.2
"""Saturation under which a pixel is grey: paper, wall and cloth backdrops sit well under it (the
demo's cream paper at about 0.08), coloured card and coloured objects over it."""
BINS = HUE_BINS * SATURATION_BINS * VALUE_BINS + VALUE_BINS
"""The coloured bins, then one grey bin per value level."""
BORDER_SHARE = 0.03
"""The band around the object's mask left out of the background, as a share of the picture's shorter
side. A mask's edge is never exact (GrabCut's boundary, a mask drawn on a smaller frame, blur), so
the band mixes object and backdrop and would lend each class's background its object's colour."""


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
    colourful = (hsv[:, 1] - GREY_SATURATION) / (1.0 - GREY_SATURATION)
    saturation = np.minimum((colourful * SATURATION_BINS).astype(np.intp), SATURATION_BINS - 1)
    value = np.minimum((hsv[:, 2] * VALUE_BINS).astype(np.intp), VALUE_BINS - 1)
    coloured = (hue * SATURATION_BINS + saturation) * VALUE_BINS + value
    grey = HUE_BINS * SATURATION_BINS * VALUE_BINS + value
    index = np.where(hsv[:, 1] < GREY_SATURATION, grey, coloured)
    counts = np.bincount(index, minlength=BINS).astype(np.float32)
    return np.sqrt(counts / counts.sum())


def grown(mask: np.ndarray, by: int) -> np.ndarray:
    """`mask` (bool H x W) grown by `by` pixels in every direction (a square neighbourhood)."""
    if by <= 0:
        return mask
    height, width = mask.shape
    padded = np.pad(mask, by)
    across = np.zeros((height + 2 * by, width), dtype=bool)
    for shift in range(2 * by + 1):
        across |= padded[:, shift : shift + width]
    result = np.zeros((height, width), dtype=bool)
    for shift in range(2 * by + 1):
        result |= across[shift : shift + height]
    return result


def object_and_background(
    image: np.ndarray, mask: np.ndarray | None, max_pixels: int
) -> tuple[np.ndarray, np.ndarray | None]:
    """(object histogram, background histogram or None) of one picture, read with a pixel stride.

    The background is what lies beyond the band of `BORDER_SHARE` around the mask. Without a mask,
    or with a mask that covers nothing or leaves no background beyond that band, the object
    histogram is the whole picture's and there is no background to describe.
    """
    image = check_image(image)
    step = _stride(image.shape, max_pixels)
    pixels = image[::step, ::step]
    if mask is not None:
        inside = check_mask(mask, image)[::step, ::step]
        outside = ~grown(inside, math.ceil(BORDER_SHARE * min(image.shape[:2]) / step))
        if inside.any() and outside.any():
            return histogram(pixels[inside]), histogram(pixels[outside])
    return histogram(pixels.reshape(-1, 3)), None

"""Keep the source's own pixels wherever a mask-aware backend was not asked to change anything.

The research prototype's InstructPix2Pix recoloured the whole frame when a
prompt was vague, and even an inpainting model alters pixels outside its mask:
the VAE's encode-decode round trip shifts every pixel a little. A classifier
taught on such images learns from a background that drifted with the
variation. So the generated image is laid over the source through the edited
region only: outside it the result IS the source, pixel for pixel. Inside, the
edge is feathered over a few pixels so no hard seam outlines the object; the
feather lies wholly inside the region, never outside it.

Pillow and NumPy only: no torch, so this is cheap to test and to reason about.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

from gpu_worker.diffusion.recipes import EditedPart
from shared.variations.frame import MASK_THRESHOLD

FEATHER_PX = 3
"""How far inside the region the blend reaches full strength; 1 is a hard edge."""


def edited_region(mask: Image.Image, part: EditedPart) -> Image.Image:
    """The pixels a backend may change, as an 'L' image of 0 and 255: the object, or everything else.

    `mask` is the kiosk's object mask (> 127 is the object).
    """
    inside = np.asarray(mask.convert("L")) > MASK_THRESHOLD
    if part == "background":
        inside = ~inside
    return Image.fromarray(inside.astype(np.uint8) * 255)


def feathered_alpha(region: Image.Image, feather_px: int = FEATHER_PX) -> np.ndarray:
    """(height, width) float weights of the generated image: 0 outside `region`, up to 1 inside.

    A pixel's weight is min(d, feather_px) / feather_px, with d its distance
    in pixels (chessboard) from the nearest pixel outside the region; the
    image border is no edge (the filter repeats edge pixels). Each 3x3 minimum
    filter peels one pixel off the region, so d is how many peels a pixel survives.
    """
    if feather_px < 1:
        raise ValueError(f"feather_px must be at least 1, got {feather_px}")
    layer = region.convert("L")
    survived = np.zeros((region.height, region.width), dtype=np.float32)
    for _ in range(feather_px):
        survived += np.asarray(layer) > MASK_THRESHOLD
        layer = layer.filter(ImageFilter.MinFilter(3))
    return survived / feather_px


def paste_back(
    generated: Image.Image, source: Image.Image, region: Image.Image, feather_px: int = FEATHER_PX
) -> Image.Image:
    """`generated` inside `region` (feathered edge), `source` exactly everywhere else; all the same size."""
    if not generated.size == source.size == region.size:
        raise ValueError(
            f"paste-back needs one size: generated {generated.size}, "
            f"source {source.size}, region {region.size}"
        )
    alpha = feathered_alpha(region, feather_px)[..., None]
    kept = np.asarray(source.convert("RGB"), dtype=np.float32)
    new = np.asarray(generated.convert("RGB"), dtype=np.float32)
    # kept + 0 * (new - kept) is kept exactly: outside the region the source's bytes come back unchanged.
    blended = kept + alpha * (new - kept)
    return Image.fromarray(np.rint(blended).astype(np.uint8))

"""The object mask a generated picture is stored with, so it crops, trains and varies like a photo.

Where the mask comes from, in order:

1. The worker's, when it sent one (inpaint, instruct with the kiosk's mask, classic: see
   `JobImage.mask`). One that is not a PNG of the picture's size is ignored, with a warning in the
   log: the picture is kept and goes on to 2.
2. The kiosk's masker on the picture itself (`kiosk.masking.still`), for pictures the worker
   could not mask: img2img redraws the whole frame, so only the picture shows where the object is.
3. When the masker finds no object, and the picture came from a diffusion backend, the source
   photo's mask scaled to the picture: diffusion keeps the photo's layout (img2img changes how
   things look, not where they are, at the strengths the kiosk asks for). The classic engine may
   have moved the object (a new angle), so its pictures get no mask from the source.
4. Otherwise none: the picture is stored without a mask, as a photo the masker missed would be.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
from PIL import Image

from kiosk.masking.still import mask_still
from kiosk.store import StoreError
from shared.imaging import BadImage
from shared.masks import binary_mask, decode_mask
from shared.protocol import JobImage

log = logging.getLogger(__name__)

LAYOUT_KEEPING_BACKENDS = frozenset({"inpaint", "instruct", "img2img"})
"""Backends whose pictures keep the source's framing, so its mask may stand in (step 3)."""
ASPECT_TOLERANCE = 0.02
"""Picture and source differ in aspect by at most this (rounding of the resizes) for step 3."""

SourceMask = Callable[[], Image.Image | None]
"""Loads the source photo's mask (None without one); asked only when step 3 needs it."""


def picture_mask(item: JobImage, picture: Image.Image, source_mask: SourceMask) -> Image.Image | None:
    """The mask ("L", 0/255, the picture's size) to store with the generated `picture` of `item`."""
    if item.mask is not None:
        what = f"the mask of job {item.job_id}'s image {item.index}"
        try:
            return decode_mask(item.mask, picture.size, what)
        except BadImage as exc:
            log.warning("%s; the picture is kept and masked on this kiosk", exc)
    return kiosk_mask(picture, item.recipe.backend, source_mask)


def kiosk_mask(picture: Image.Image, backend: str, source_mask: SourceMask) -> Image.Image | None:
    """Steps 2 to 4: the masker's mask of `picture`, else the source's where the layout is kept, else None."""
    try:
        found = mask_still(np.asarray(picture.convert("RGB")))
    except ValueError as exc:  # smaller than any frame the masker takes
        log.info("the kiosk's masker cannot read the picture: %s", exc)
    else:
        if found.found and found.mask is not None:
            return Image.fromarray(found.mask.astype(np.uint8) * 255)
    if backend not in LAYOUT_KEEPING_BACKENDS:
        return None
    try:
        source = source_mask()
    except StoreError as exc:  # the photo was deleted or damaged meanwhile: no stand-in
        log.warning("the source photo's mask cannot stand in: %s", exc)
        return None
    if source is None or abs(_aspect(source) - _aspect(picture)) > ASPECT_TOLERANCE:
        return None
    return binary_mask(source.resize(picture.size, Image.Resampling.NEAREST))


def _aspect(image: Image.Image) -> float:
    return image.width / image.height

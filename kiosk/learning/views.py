"""Label-preserving views of a training image, for train-time augmentation in feature space.

A photographed object means the same mirrored or seen a little off-centre, so the features of
those views are extra training rows that cost nothing to collect. Each view has a name; its
features are cached in the project store under `view_key(backbone_id, name)`, so they are computed
once per sample like the image's own, and dropped with them when the backbone changes.
"""

from __future__ import annotations

from collections.abc import Callable

from PIL import Image, ImageOps

SHIFT_CROP = 0.85
"""The shifted view keeps this share of each side, cut from the lower-right corner."""


def _mirror(image: Image.Image) -> Image.Image:
    return ImageOps.mirror(image)


def _shift(image: Image.Image) -> Image.Image:
    width, height = image.size
    keep_w, keep_h = max(1, round(width * SHIFT_CROP)), max(1, round(height * SHIFT_CROP))
    return image.crop((width - keep_w, height - keep_h, width, height))


VIEWS: dict[str, Callable[[Image.Image], Image.Image]] = {"flip": _mirror, "shift": _shift}
"""View name -> the image transformation, applied before `preprocess_image`."""


def view_image(image: Image.Image, view: str) -> Image.Image:
    """One view of an image, upright first: "shift" must cut the photo's lower right as people see it."""
    return VIEWS[view](ImageOps.exif_transpose(image))


def view_key(backbone_id: str, view: str) -> str:
    """The feature-cache key of a view: tied to the backbone like the image's own features."""
    return f"{backbone_id}#{view}"

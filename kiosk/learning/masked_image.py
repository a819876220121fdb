"""An image file as the kiosk's model sees it: cut around its object the way a capture is.

    picture = read_masked(Path("apple.jpg"))   # apple.mask.png beside it: the capture's square crop
    picture.image, picture.mask                # the crop and the object's mask in it (None: no mask)

A model trained in the kiosk learned from captures, and a capture keeps a square crop around the
object, widened by the masking config's `crop_margin` with real frame pixels (`kiosk/live/view.py`
`kept_sample`, `kiosk/masking/crop.py`). A whole 640x480 photo of the same object is a different
picture to the backbone, so `teachbooth predict`, `eval` and `explain` cut an image with a
`NAME.mask.png` beside it exactly like that (as `teachbooth import` does); an image without one is
used whole, as before. `explain` needs to know where the object is even then: `with_found_mask`
asks the kiosk's still masker (`kiosk/masking/still.py`) and leaves the picture whole, so explain's
answer for an image is the one `predict` gives for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from kiosk.features.backbone import to_rgb
from kiosk.learning.image_folder import MASK_SUFFIX, UnreadableImage, read_image
from kiosk.masking.config import MaskingConfig
from kiosk.masking.crop import crop_to_object
from kiosk.masking.still import mask_still
from shared.masks import binary_mask


@dataclass(frozen=True)
class MaskedPicture:
    image: Image.Image
    """The capture-style crop (RGB) when there was a mask, else the whole picture as read."""
    mask: Image.Image | None
    """The object's mask ("L", 0/255, the image's size), or None when the file had none."""


def mask_beside(image: Path) -> Path | None:
    """`NAME.mask.png` beside `NAME.jpg` (any image suffix), if there is one."""
    candidate = image.with_name(image.stem + MASK_SUFFIX)
    return candidate if candidate.is_file() else None


def read_mask(path: Path, size: tuple[int, int]) -> Image.Image:
    """The 0/255 mask in `path`, which must be `size`; `UnreadableImage` saying why it cannot be used."""
    try:
        mask = binary_mask(read_image(path))
    except UnreadableImage as exc:
        raise UnreadableImage(f"has a mask that {exc}") from None
    if mask.size != size:
        raise UnreadableImage(
            f"has a mask of {mask.width}x{mask.height} but is {size[0]}x{size[1]} ({path.name})"
        )
    if not mask.getbbox():
        raise UnreadableImage(f"has a mask that marks no object ({path.name} is all black)")
    return mask


def read_masked(path: str | Path, margin: float | None = None) -> MaskedPicture:
    """The picture in `path`, cut around its object like a capture when its mask lies beside it.

    `margin` defaults to the kiosk's masking config's `crop_margin`. Raises `UnreadableImage` for an
    image, or a mask beside it, that cannot be used: a wrong mask would cut out the wrong pixels.
    """
    path = Path(path)
    picture = read_image(path)
    mask_path = mask_beside(path)
    if mask_path is None:  # as read: the backbone's preprocessing makes it RGB, as the bundle's does
        return MaskedPicture(picture, None)
    picture = to_rgb(picture)  # the same conversion, before the crop: transparency on grey, not black
    mask = read_mask(mask_path, picture.size)
    margin = MaskingConfig().crop_margin if margin is None else margin
    cropped, cropped_mask = crop_to_object(picture, mask, margin)
    return MaskedPicture(cropped, cropped_mask)


def read_for_model(path: str | Path) -> Image.Image:
    """What `predict` and `eval` show the model for an image file: `read_masked`'s picture."""
    return read_masked(path).image


def with_found_mask(picture: MaskedPicture) -> MaskedPicture:
    """`picture` with the object the still masker finds in it as its mask, when it has none; a
    picture in which the masker finds nothing (a busy backdrop, a tiny image) stays without one."""
    if picture.mask is not None:
        return picture
    try:
        found = mask_still(np.asarray(to_rgb(picture.image)))
    except ValueError:  # smaller than any frame the masker takes
        return picture
    if not found.found or found.mask is None:
        return picture
    return MaskedPicture(picture.image, Image.fromarray(found.mask.astype(np.uint8) * 255))

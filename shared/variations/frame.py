"""The working picture that every variation step reads and returns.

Steps work on float32 RGB in 0..255 rather than on PIL images so that chained
operations (MIX chains several) do not lose precision to rounding at every
step, and so that "pixels outside the mask stay identical" is a plain array
comparison. A frame also carries the object mask, which geometry moves, and
the log of steps applied, which the kiosk shows as the image's recipe.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from PIL import Image

#: Mask pixels above this value (in an 8-bit mask) belong to the object.
MASK_THRESHOLD = 127


@dataclass(frozen=True)
class Frame:
    """An image being varied, its object mask and what has been done to it."""

    rgb: np.ndarray
    """(height, width, 3) float32 in 0..255."""
    mask: np.ndarray | None
    """(height, width) bool, True on the object; None when no mask was given."""
    operations: tuple[str, ...] = ()

    @classmethod
    def from_pil(cls, image: Image.Image, mask: Image.Image | None) -> Frame:
        """Normalise whatever the camera or a client sent into a frame.

        Raises ValueError for an empty image or a mask that does not match
        the image, because a mask of another size would silently describe
        the wrong pixels.
        """
        if image.width == 0 or image.height == 0:
            raise ValueError(f"image is empty ({image.width}x{image.height})")
        rgb = np.asarray(image.convert("RGB"), dtype=np.float32)
        if mask is None:
            return cls(rgb=rgb, mask=None)
        if mask.size != image.size:
            raise ValueError(
                f"mask size {mask.width}x{mask.height} does not match image size {image.width}x{image.height}"
            )
        return cls(rgb=rgb, mask=np.asarray(mask.convert("L")) > MASK_THRESHOLD)

    @property
    def shape(self) -> tuple[int, int]:
        """(height, width) of the frame."""
        height, width = self.rgb.shape[:2]
        return height, width

    @property
    def object_mask(self) -> np.ndarray:
        """Where the object is: the mask, or the whole frame when there is none."""
        if self.mask is None:
            return np.ones(self.shape, dtype=bool)
        return self.mask

    def with_step(self, rgb: np.ndarray, *operations: str) -> Frame:
        """A new frame with `rgb` (clipped back into range) and the steps logged."""
        clipped = np.clip(rgb, 0.0, 255.0).astype(np.float32, copy=False)
        return replace(self, rgb=clipped, operations=self.operations + operations)

    def to_pil_image(self) -> Image.Image:
        """The picture as an 8-bit RGB image."""
        return Image.fromarray(np.rint(self.rgb).astype(np.uint8))

    def to_pil_mask(self) -> Image.Image | None:
        """The mask as a 0/255 mode "L" image, or None when there is none."""
        if self.mask is None:
            return None
        return Image.fromarray(self.mask.astype(np.uint8) * 255)

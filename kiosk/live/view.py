"""What the live preview shows and what a capture keeps, computed on the camera thread.

The preview is the camera frame shrunk to `PREVIEW_SIZE`, with the object the masker found tinted
and outlined, the hands it saw dotted, and (while an open palm is held) a bar filling towards the
hands-free capture. The visitor sees exactly what will be kept: if the outline is on the hand
instead of the apple, they can move before recording. NumPy and Pillow only: the overlay costs a
millisecond or two at preview size, so the camera loop stays at the camera's rate.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
from PIL import Image

from kiosk.masking import MaskResult

PREVIEW_SIZE = (320, 240)
"""Big enough for Sixel/Kitty graphics at the 7" display's size; half-blocks scale it down further."""
MASK_TINT = np.array([40, 220, 90], np.float32)
TINT_SHARE = 0.35
EDGE_COLOUR = np.array([255, 255, 255], np.uint8)
HAND_COLOUR = np.array([255, 200, 0], np.uint8)
HOLD_COLOUR = np.array([255, 200, 0], np.uint8)

OUTCOME_TEXT = {
    "found": "Object found",
    "learning_background": "Learning the empty scene",
    "no_background": "Step out of view for a moment so the camera can see the empty scene",
    "nothing_changed": "Hold an object up to the camera",
}


def preview_image(frame: np.ndarray, result: MaskResult | None, hold: float = 0.0) -> Image.Image:
    """The frame at preview size with the mask, the hands and the palm-hold progress drawn on it."""
    small = np.array(Image.fromarray(frame).resize(PREVIEW_SIZE, Image.Resampling.BILINEAR))
    height, width = small.shape[:2]
    if result is not None and result.mask is not None:
        mark_object(
            small, np.array(Image.fromarray(result.mask).resize(PREVIEW_SIZE, Image.Resampling.NEAREST))
        )
    if result is not None:
        for hand in result.hands:
            for x, y in hand.pixels(width - 1, height - 1).astype(int):
                if 0 <= x < width and 0 <= y < height:
                    small[max(0, y - 1) : y + 2, max(0, x - 1) : x + 2] = HAND_COLOUR
    if hold > 0:
        small[height - 6 :, : int(width * min(hold, 1.0))] = HOLD_COLOUR
    return Image.fromarray(small)


def mark_object(pixels: np.ndarray, mask: np.ndarray) -> None:
    """Tint the object (`mask`, bool, the pixels' size) and outline it, in place: how the preview and
    the Expand step's photo picker both show what the masker took for the object."""
    tinted = pixels[mask].astype(np.float32) * (1 - TINT_SHARE) + MASK_TINT * TINT_SHARE
    pixels[mask] = tinted.astype(np.uint8)
    pixels[_edge(mask)] = EDGE_COLOUR


def photo_with_mask(image: Image.Image, mask: Image.Image | None, longest_side: int) -> Image.Image:
    """A stored photo shrunk to `longest_side` with its mask marked (unmarked without a mask)."""
    small = image.convert("RGB")
    small.thumbnail((longest_side, longest_side))
    if mask is None:
        return small
    pixels = np.array(small)
    outline = np.array(mask.convert("L").resize(small.size, Image.Resampling.NEAREST)) > 127
    mark_object(pixels, outline)
    return Image.fromarray(pixels)


def _edge(mask: np.ndarray) -> np.ndarray:
    """Mask pixels with a 4-neighbour outside the mask: a one-pixel outline."""
    inner = mask.copy()
    inner[1:, :] &= mask[:-1, :]
    inner[:-1, :] &= mask[1:, :]
    inner[:, 1:] &= mask[:, :-1]
    inner[:, :-1] &= mask[:, 1:]
    return mask & ~inner


@dataclass(frozen=True)
class Kept:
    """What a capture stores: the square crop the backbone will see, and the object's mask in it."""

    image: np.ndarray
    mask: np.ndarray


def kept_sample(result: MaskResult) -> Kept | None:
    """The crop and mask to store for a capture, or None when the masker found no object."""
    if not result.found or result.crop is None or result.crop_box is None or result.mask is None:
        return None
    x0, y0, x1, y1 = result.crop_box
    mask = result.mask[y0:y1, x0:x1].astype(np.uint8) * 255
    return Kept(np.ascontiguousarray(result.crop), np.ascontiguousarray(mask))


class FpsMeter:
    """Frames per second over the last `window` frames, from the frames' own timestamps."""

    def __init__(self, window: int = 15) -> None:
        self._times: deque[float] = deque(maxlen=window)

    def tick(self, timestamp: float) -> None:
        self._times.append(timestamp)

    @property
    def fps(self) -> float | None:
        if len(self._times) < 2 or self._times[-1] <= self._times[0]:
            return None
        return (len(self._times) - 1) / (self._times[-1] - self._times[0])

    def text(self) -> str:
        fps = self.fps
        return "-- fps" if fps is None else f"{fps:4.1f} fps"

"""A part's life in front of the station's camera: it appears, settles, is judged once, and leaves.

The masker says, frame by frame, whether an object stands out from the empty scene and where (its
mask). A station must turn that stream into exactly one verdict per part shown, so this tracker
keeps the state between frames:

- **appears**: the first frame with an object starts a presentation;
- **settles**: the object's mask overlaps the previous frame's by at least `settle_iou` (IoU) for
  `settle_frames` frames in a row. Frame to frame, not against the first frame: a part held by hand
  wobbles a few pixels all the time and would otherwise never settle, while a part still being
  moved in or slid along overlaps its previous position far less;
- **is judged**: the tracker says `SETTLED` once; it keeps saying so on later stable frames until the
  caller confirms with `judged()`, so a verdict that could not be taken is tried on the next frame;
- **leaves**: `leave_frames` frames in a row without an object end the presentation. A shorter gap
  (the masker losing the part for a frame, a hand passing over it) does not: one part, one verdict.

A presentation that ends without a verdict is `UNSETTLED` if the part stayed in view at least
`settle_frames` frames (it was there long enough to be judged, but never held still: a reader must
hear about it), and nothing at all if it was shorter (a shadow, a hand passing by). A part swapped
for another with less than `leave_frames` empty frames between them counts as one.
"""

from __future__ import annotations

from enum import Enum

import numpy as np


class Event(Enum):
    SETTLED = "settled"
    """The part is still now: judge this frame, then call `judged()`."""
    UNSETTLED = "unsettled"
    """The part left, after long enough in view, without ever being judged."""


def mask_iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two boolean masks of one size (0 when both are empty)."""
    union = np.count_nonzero(a | b)
    return np.count_nonzero(a & b) / union if union else 0.0


class PartTracker:
    """Follows one part at a time through appear → settle → judged → leave; see the module's docstring."""

    def __init__(self, settle_frames: int, settle_iou: float, leave_frames: int) -> None:
        if settle_frames < 2 or leave_frames < 1 or not 0.0 < settle_iou <= 1.0:
            raise ValueError("settle_frames >= 2, leave_frames >= 1 and 0 < settle_iou <= 1")
        self.settle_frames = settle_frames
        self.settle_iou = settle_iou
        self.leave_frames = leave_frames
        self._present = False
        self._judged = False
        self._seen = 0
        self._stable = 0
        self._absent = 0
        self._previous: np.ndarray | None = None

    @property
    def present(self) -> bool:
        """A part is in front of the camera (or left fewer than `leave_frames` frames ago)."""
        return self._present

    def update(self, mask: np.ndarray | None) -> Event | None:
        """Feed one frame's object mask (None: the masker saw no object); an event when one is due."""
        if mask is None:
            return self._nothing()
        if not self._present:
            self._present, self._judged, self._seen, self._stable = True, False, 0, 0
        self._seen += 1
        self._absent = 0
        still = self._previous is not None and mask_iou(self._previous, mask) >= self.settle_iou
        self._stable = self._stable + 1 if still else 1
        self._previous = mask
        if not self._judged and self._stable >= self.settle_frames:
            return Event.SETTLED
        return None

    def judged(self) -> None:
        """The verdict on the settled part is recorded: no other until the part has left."""
        self._judged = True

    def _nothing(self) -> Event | None:
        self._previous = None
        self._stable = 0
        if not self._present:
            return None
        self._absent += 1
        if self._absent < self.leave_frames:
            return None
        self._present = False
        if not self._judged and self._seen >= self.settle_frames:
            return Event.UNSETTLED
        return None

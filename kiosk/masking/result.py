"""What masking one frame produced: the object's mask and crops, why that object, and the cost."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from kiosk.masking.crop import Box
from kiosk.masking.landmarks import Hand
from kiosk.masking.regions import Reason

Outcome = Literal["found", "learning_background", "no_background", "nothing_changed"]
"""found: an object; learning_background: the scene was empty and taught the background (first
time); no_background: someone is in view but the empty scene was never seen; nothing_changed: the
background is known and no object-sized change stands out from it (besides the visitor)."""


@dataclass(frozen=True)
class MaskResult:
    outcome: Outcome
    mask: np.ndarray | None = None
    """bool H x W at the frame's size: the object."""
    box: Box | None = None
    """The tight box around the mask."""
    crop_box: Box | None = None
    """The square, widened box that feeds the backbone."""
    crop: np.ndarray | None = None
    """The frame's pixels in `crop_box` (a copy), ready for `Backbone.embed`."""
    reason: Reason | None = None
    """Why this object: held by a hand, pointed at, or simply the largest change."""
    refined: bool = False
    """GrabCut refined the mask (captures), rather than the fast preview path."""
    hands: list[Hand] = field(default_factory=list)
    """The hands seen (or given), for the capture gesture and the preview overlay."""
    person_share: float = 0.0
    """Share of the frame that is the visitor."""
    background_updated: bool = False
    """This frame was empty and refreshed the background."""
    timings_ms: dict[str, float] = field(default_factory=dict)
    """Milliseconds per stage, in order, for the live-loop bench and the debug overlay."""

    @property
    def found(self) -> bool:
        return self.outcome == "found"

"""Hands as the masking step sees them: MediaPipe's 21 landmarks, and what a pose of them means.

Kept apart from the MediaPipe wrapper so choosing an object and detecting the capture gesture can
be driven (and tested) with landmarks from anywhere; a rendered hand is invisible to the real model.
Layout (MediaPipe's): 0 wrist; thumb 1-4; index 5-8; middle 9-12; ring 13-16; pinky 17-20, each
finger base (MCP) first and tip last.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

WRIST = 0
THUMB_IP, THUMB_TIP = 3, 4
INDEX_PIP, INDEX_TIP = 6, 8
PINKY_MCP = 17
FINGER_PIPS = {"index": 6, "middle": 10, "ring": 14, "pinky": 18}
"""Middle joint of each long finger; its tip is three indices on."""

EXTENDED_RATIO = 1.1
"""A finger is straight when its tip is this much farther from the wrist than its middle joint;
a curled finger's tip comes back towards the wrist, so real hands fall clearly either side."""


@dataclass(frozen=True)
class Hand:
    """One detected hand: `points` (21, 2) with x and y normalised to 0..1 of the frame."""

    points: np.ndarray
    score: float = 1.0

    def __post_init__(self) -> None:
        points = np.asarray(self.points, dtype=np.float32)
        if points.shape != (21, 2) or not np.isfinite(points).all():
            raise ValueError(f"a hand is 21 finite (x, y) landmarks, got shape {np.shape(self.points)}")
        object.__setattr__(self, "points", points)

    def pixels(self, width: int, height: int) -> np.ndarray:
        """The landmarks in pixels of a width x height image."""
        return self.points * np.array([width, height], dtype=np.float32)

    def finger_extended(self, finger: str) -> bool:
        pip = FINGER_PIPS[finger]
        wrist = self.points[WRIST]
        return _distance(wrist, self.points[pip + 2]) > EXTENDED_RATIO * _distance(wrist, self.points[pip])

    def thumb_extended(self) -> bool:
        base = self.points[PINKY_MCP]
        return _distance(base, self.points[THUMB_TIP]) > EXTENDED_RATIO * _distance(
            base, self.points[THUMB_IP]
        )

    def is_open_palm(self) -> bool:
        """All five fingers straight: the hands-free capture gesture."""
        return self.thumb_extended() and all(self.finger_extended(f) for f in FINGER_PIPS)

    def is_pointing(self) -> bool:
        """Index finger straight, middle, ring and pinky curled."""
        return self.finger_extended("index") and not any(
            self.finger_extended(f) for f in ("middle", "ring", "pinky")
        )

    def pointing_ray(self) -> tuple[np.ndarray, np.ndarray]:
        """(index fingertip, unit direction from the middle joint through the tip), normalised coords."""
        tip = self.points[INDEX_TIP]
        direction = tip - self.points[INDEX_PIP]
        return tip, direction / max(float(np.hypot(*direction)), 1e-6)


def _distance(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.hypot(*(a - b)))

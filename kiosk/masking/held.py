"""A held object that person segmentation took for part of the person.

Selfie segmentation is trained to cut a whole person out, and an object held in the hand or against
the body often comes with them: with the real model a held ball came back as "person" with
probability 1 (bench/live_loop.py), so taking the person away took the object too and the kiosk
saw nothing. When hands are in view and nothing outside the person is held, this step looks inside
the person mask, near each hand, for changed pixels whose colour is unlike the hand's own skin.

Colour is compared as chromaticity (r, g, b over their sum), which shading and exposure barely
move, against the skin sampled at the wrist and the finger bases: those landmarks lie on the palm
even when the fingers wrap round the object. An object of the visitor's own skin tone stays
invisible here; GrabCut on capture and the other cues remain for it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kiosk.masking.landmarks import Hand
from kiosk.masking.regions import find_regions

SKIN_POINTS = (0, 1, 5, 9, 13, 17)
"""Wrist, thumb base and the four finger bases."""
OBJECT_REACH = 3.0
"""A held object is taken to lie within this many hand spans of the hand's centre: enough for
anything held up to a kiosk camera, and it keeps a shirt of another colour than skin out."""


def chromaticity(pixels: np.ndarray) -> np.ndarray:
    values = pixels.astype(np.float32)
    return values / np.maximum(values.sum(axis=-1, keepdims=True), np.float32(1.0))


def held_in_person(
    frame: np.ndarray,
    changed: np.ndarray,
    visitor: np.ndarray,
    hands: Sequence[Hand],
    reach_px: float,
    min_area: int,
    colour_distance: float,
) -> np.ndarray | None:
    """The largest non-skin changed region inside the person that a hand touches, or None.

    A region is kept if it comes within `reach_px` of the hand's landmarks, and clipped to
    `OBJECT_REACH` hand spans around the hand.
    """
    import cv2

    if not hands:
        return None
    height, width = changed.shape
    touching = np.zeros((height, width), np.uint8)
    zone = np.zeros((height, width), np.uint8)
    skin_samples = []
    for hand in hands:
        points = hand.pixels(width, height)
        centre = (int(points[:, 0].mean()), int(points[:, 1].mean()))
        span = float(np.linalg.norm(points - points.mean(axis=0), axis=1).max())
        cv2.circle(touching, centre, int(np.ceil(span + reach_px)), 1, thickness=-1)
        cv2.circle(zone, centre, int(np.ceil(OBJECT_REACH * span + reach_px)), 1, thickness=-1)
        palm = points[list(SKIN_POINTS)]
        inside = (palm[:, 0] >= 0) & (palm[:, 0] < width) & (palm[:, 1] >= 0) & (palm[:, 1] < height)
        cols, rows = palm[inside, 0].astype(int), palm[inside, 1].astype(int)
        skin_samples.append(frame[rows, cols])
    samples = np.concatenate(skin_samples)
    if not len(samples):
        return None
    skin = np.median(chromaticity(samples), axis=0)
    candidate = changed & visitor & (zone > 0)
    held_pixels = np.zeros_like(candidate)  # colour judged on the candidates only: this runs per live frame
    held_pixels[candidate] = np.linalg.norm(chromaticity(frame[candidate]) - skin, axis=-1) > colour_distance
    labels, regions = find_regions(held_pixels, min_area)
    held = [region for region in regions if (touching[labels == region.label] > 0).any()]
    return (labels == held[0].label) if held else None  # regions come largest first

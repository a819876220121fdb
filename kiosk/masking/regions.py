"""Candidate objects as connected regions, and which one the visitor means.

Order of evidence: a region a hand touches (or nearly) is being held; failing that, the first
region along a pointing index finger is being shown; failing that (no hands, or hands far from
everything), the largest region, since a visitor shows one thing at a time and holds it up close.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from kiosk.masking.landmarks import Hand

Reason = Literal["held", "held_in_person", "pointed", "largest"]
MAX_REGIONS = 8
"""Only the largest few regions are weighed; the rest are specks the cleaning left behind."""


@dataclass(frozen=True)
class Region:
    """One connected region of candidate pixels (working resolution)."""

    label: int
    area: int
    box: tuple[int, int, int, int]
    """(left, top, right, bottom), right and bottom exclusive."""


@dataclass(frozen=True)
class Choice:
    region: Region
    reason: Reason
    hand: int | None = None
    """Which of the hands decided it, if one did."""


def find_regions(candidates: np.ndarray, min_area: int) -> tuple[np.ndarray, list[Region]]:
    """Label image (int32) and the regions of at least `min_area` pixels, largest first.

    A small opening first removes the one-pixel fringe that person segmentation leaves around a
    hand and isolated grain; a closing then mends pixels where the object matches the backdrop.
    """
    import cv2

    mask = candidates.astype(np.uint8)
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    regions = [
        Region(label=i, area=int(stats[i, 4]), box=_box(stats[i]))
        for i in range(1, count)
        if stats[i, 4] >= min_area
    ]
    regions.sort(key=lambda r: r.area, reverse=True)
    return labels, regions[:MAX_REGIONS]


def _box(stat: np.ndarray) -> tuple[int, int, int, int]:
    left, top, width, height = (int(v) for v in stat[:4])
    return left, top, left + width, top + height


def choose_region(
    labels: np.ndarray, regions: Sequence[Region], hands: Sequence[Hand], hold_px: float
) -> Choice | None:
    """The region the visitor means (see the module docstring), or None when there are none."""
    if not regions:
        return None
    held = _held(labels, regions, hands, hold_px)
    if held is not None:
        return held
    pointed = _pointed(labels, regions, hands)
    if pointed is not None:
        return pointed
    return Choice(region=regions[0], reason="largest")


def _held(
    labels: np.ndarray, regions: Sequence[Region], hands: Sequence[Hand], hold_px: float
) -> Choice | None:
    import cv2

    if not hands:
        return None
    height, width = labels.shape
    best: tuple[float, int, Region] | None = None
    for region in regions:
        outside = (labels != region.label).astype(np.uint8)
        distance = cv2.distanceTransform(outside, cv2.DIST_L2, 3)  # 0 on the region itself
        for index, hand in enumerate(hands):
            points = hand.pixels(width, height)
            cols = np.clip(points[:, 0].astype(int), 0, width - 1)
            rows = np.clip(points[:, 1].astype(int), 0, height - 1)
            inside = (
                (points[:, 0] >= 0) & (points[:, 0] < width) & (points[:, 1] >= 0) & (points[:, 1] < height)
            )
            if not inside.any():
                continue
            nearest = float(distance[rows[inside], cols[inside]].min())
            if nearest <= hold_px and (best is None or nearest < best[0]):
                best = (nearest, index, region)
    return None if best is None else Choice(region=best[2], reason="held", hand=best[1])


def _pointed(labels: np.ndarray, regions: Sequence[Region], hands: Sequence[Hand]) -> Choice | None:
    height, width = labels.shape
    by_label = {region.label: region for region in regions}
    steps = np.arange(0, float(np.hypot(width, height)), 2.0)
    for index, hand in enumerate(hands):
        if not hand.is_pointing():
            continue
        tip, direction = hand.pointing_ray()
        start = tip * np.array([width, height])
        along = direction * np.array([width, height])
        along /= max(float(np.hypot(*along)), 1e-6)
        xs, ys = start[0] + steps * along[0], start[1] + steps * along[1]
        inside = (xs >= 0) & (xs < width) & (ys >= 0) & (ys < height)
        hit = labels[ys[inside].astype(int), xs[inside].astype(int)]
        for label in hit[hit > 0]:
            if int(label) in by_label:
                return Choice(region=by_label[int(label)], reason="pointed", hand=index)
    return None

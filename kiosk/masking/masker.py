"""The masking pipeline: from a camera frame to the object the visitor shows, its mask and crop.

    masker = ObjectMasker()                    # MediaPipe models load on first use
    result = masker.preview(frame)             # every live frame: fast, for the overlay
    if trigger.update(result.hands, t):        # OpenPalmTrigger: hands-free capture
        result = masker.capture(frame)         # the kept sample: GrabCut-refined
    result.mask, result.crop, result.reason

Stages (docs/architecture.md#masking): the frame is shrunk to the working width; the visitor is segmented
(MediaPipe selfie segmentation) and hands are found (MediaPipe hands); pixels that differ from the
learned empty scene, minus the visitor, form candidate regions; hands choose the held or pointed-at
region (else the largest), and when a hand holds nothing outside the visitor, a non-skin region
inside the visitor's mask at the hand is taken as the object (`held.py`: segmenters often call a
held object part of the person); the region becomes a full-size mask, refined by GrabCut on
captures; then the tight box and the square backbone crop.

Timing on the 2-core development machine decided the split: GrabCut costs hundreds of ms on a full
640x480 frame, so previews use the region as it is (within a pixel or two at 320 wide) and
captures pay for GrabCut on the object's neighbourhood only. `bench/live_loop.py` has the figures.

The background learns from frames in which nobody is in view: the first such frame is taken as
the empty scene, later ones blend in slowly, and no frame with a visitor or a hand ever does.
`person=` and `hands=` let a caller that already has them (or a test with rendered frames, which
MediaPipe cannot see) skip the models.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np

from kiosk.masking.background import BackgroundModel
from kiosk.masking.config import MaskingConfig
from kiosk.masking.crop import square_box, tight_box
from kiosk.masking.grabcut import refine_with_grabcut
from kiosk.masking.held import held_in_person
from kiosk.masking.landmarks import Hand
from kiosk.masking.mediapipe_models import HandTracker, PersonSegmenter
from kiosk.masking.regions import choose_region, find_regions
from kiosk.masking.result import MaskResult

MIN_SIDE = 32
"""Frames smaller than this each way cannot hold an object worth classifying."""

Segmenter = Callable[[np.ndarray], np.ndarray]
HandFinder = Callable[[np.ndarray], list[Hand]]


class _Stopwatch:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.laps[stage] = (now - self._last) * 1000.0
        self._last = now


def check_frame(frame: object) -> np.ndarray:
    """The frame as given, or a ValueError that says what a frame must be."""
    if not isinstance(frame, np.ndarray):
        raise TypeError(f"a frame is a NumPy array, got {type(frame).__name__}")
    if frame.ndim != 3 or frame.shape[2] != 3:
        raise ValueError(f"a frame must be H x W x 3 RGB, got shape {frame.shape}")
    if frame.dtype != np.uint8:
        raise ValueError(f"a frame must be uint8 (0..255), got {frame.dtype}")
    if min(frame.shape[:2]) < MIN_SIDE:
        raise ValueError(
            f"a frame must be at least {MIN_SIDE}x{MIN_SIDE} pixels, got {frame.shape[1]}x{frame.shape[0]}"
        )
    return frame


def working_size(width: int, height: int, work_width: int) -> tuple[int, int]:
    """(width, height) of a frame shrunk to the working width, its aspect kept (never enlarged)."""
    work_w = min(width, work_width)
    return work_w, max(1, round(height * work_w / width))


def shrink(frame: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The frame at `size` (from `working_size`), area-averaged; the frame itself when it is that size."""
    import cv2

    if (frame.shape[1], frame.shape[0]) == size:
        return frame
    return cv2.resize(frame, size, interpolation=cv2.INTER_AREA)


def _check_person(person: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    person = np.asarray(person)
    if person.shape != shape:
        raise ValueError(f"a person mask must be H x W like the frame {shape}, got {person.shape}")
    return person.astype(np.float32)


class ObjectMasker:
    """Finds the shown object in frames of one fixed camera; keeps that camera's background."""

    def __init__(
        self,
        config: MaskingConfig | None = None,
        *,
        segmenter: Segmenter | None = None,
        hand_finder: HandFinder | None = None,
    ) -> None:
        self.config = config or MaskingConfig()
        self.background = BackgroundModel(
            self.config.change_threshold, self.config.background_rate, self.config.absorb_frames
        )
        self._segmenter = segmenter
        self._hand_finder = hand_finder

    def preview(
        self, frame: np.ndarray, *, person: np.ndarray | None = None, hands: Sequence[Hand] | None = None
    ) -> MaskResult:
        """The fast path for every live frame: no GrabCut."""
        return self.process(frame, refine=False, person=person, hands=hands)

    def capture(
        self, frame: np.ndarray, *, person: np.ndarray | None = None, hands: Sequence[Hand] | None = None
    ) -> MaskResult:
        """The path for a kept sample: GrabCut-refined when the config says so."""
        return self.process(frame, refine=self.config.refine_on_capture, person=person, hands=hands)

    def close(self) -> None:
        for model in (self._segmenter, self._hand_finder):
            close = getattr(model, "close", None)
            if close is not None:
                close()
        self._segmenter = self._hand_finder = None

    def _segment(self, small: np.ndarray) -> np.ndarray:
        if self._segmenter is None:
            self._segmenter = PersonSegmenter()
        return self._segmenter(small)

    def _find_hands(self, small: np.ndarray) -> list[Hand]:
        if not self.config.run_hands:
            return []
        if self._hand_finder is None:
            self._hand_finder = HandTracker()
        return self._hand_finder(small)

    def process(
        self,
        frame: np.ndarray,
        *,
        refine: bool,
        person: np.ndarray | None = None,
        hands: Sequence[Hand] | None = None,
    ) -> MaskResult:
        import cv2

        check_frame(frame)
        config = self.config
        height, width = frame.shape[:2]
        clock = _Stopwatch()
        work_size = working_size(width, height, config.work_width)
        small = shrink(frame, work_size)
        clock.lap("resize")

        if person is None:
            probability = self._segment(small)
        else:
            probability = cv2.resize(
                _check_person(person, (height, width)), work_size, interpolation=cv2.INTER_AREA
            )
        visitor = probability > config.person_threshold
        clock.lap("person")
        seen = list(hands) if hands is not None else self._find_hands(small)
        clock.lap("hands")

        person_share = float(visitor.mean())
        empty = person_share <= config.empty_person_share and not seen
        common = {"hands": seen, "person_share": person_share}
        if not self.background.learned:
            if not empty:
                return MaskResult(outcome="no_background", timings_ms=clock.laps, **common)
            self.background.update(small)
            clock.lap("background")
            return MaskResult(
                outcome="learning_background", background_updated=True, timings_ms=clock.laps, **common
            )
        changed = self.background.changed(small)
        if empty:
            self.background.update(small, changed)  # after comparing: an object put down is still reported
        clock.lap("background")

        min_area = max(1, round(config.min_object_share * small.shape[0] * small.shape[1]))
        labels, regions = find_regions(changed & ~visitor, min_area)
        hold_px = config.hold_distance * float(np.hypot(*work_size))
        choice = choose_region(labels, regions, seen, hold_px)
        region = None if choice is None else labels == choice.region.label
        reason = None if choice is None else choice.reason
        if seen and reason != "held":
            rescued = held_in_person(
                small, changed, visitor, seen, hold_px, min_area, config.held_colour_distance
            )
            if rescued is not None:
                region, reason = rescued, "held_in_person"
        clock.lap("regions")
        if region is None:
            return MaskResult(
                outcome="nothing_changed", background_updated=empty, timings_ms=clock.laps, **common
            )

        mask = _full_size(_filled(region), (width, height))
        clock.lap("upscale")
        if refine:
            not_object = visitor & ~region  # a held object the segmenter called person is no background
            person_full = (
                cv2.resize(not_object.astype(np.uint8), (width, height), interpolation=cv2.INTER_NEAREST) > 0
            )
            mask = refine_with_grabcut(
                frame,
                mask,
                person_full,
                max_side=config.grabcut_max_side,
                iterations=config.grabcut_iterations,
            )
            clock.lap("grabcut")
        box = tight_box(mask)
        if box is None:  # GrabCut can only shrink to nothing if the seed had no core; guard anyway
            return MaskResult(
                outcome="nothing_changed", background_updated=empty, timings_ms=clock.laps, **common
            )
        crop_box = square_box(box, width, height, config.crop_margin)
        x0, y0, x1, y1 = crop_box
        crop = np.array(frame[y0:y1, x0:x1])
        clock.lap("crop")
        return MaskResult(
            outcome="found",
            mask=mask,
            box=box,
            crop_box=crop_box,
            crop=crop,
            reason=reason,
            refined=refine,
            background_updated=empty,
            timings_ms=clock.laps,
            **common,
        )


def _filled(region: np.ndarray) -> np.ndarray:
    """The region with its holes filled: objects are solid, holes are where they match the backdrop."""
    import cv2

    contours, _ = cv2.findContours(region.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    filled = np.zeros(region.shape, np.uint8)
    cv2.drawContours(filled, contours, -1, 1, thickness=cv2.FILLED)
    return filled > 0


def _full_size(region: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    import cv2

    if region.shape[::-1] == size:
        return region
    return cv2.resize(region.astype(np.float32), size, interpolation=cv2.INTER_LINEAR) >= 0.5

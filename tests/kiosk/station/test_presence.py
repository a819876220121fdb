"""The part tracker on masks drawn by hand: exactly one verdict per part, whatever the frames do."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.station.presence import Event, PartTracker, mask_iou


def square(x: int, side: int = 40) -> np.ndarray:
    """A part: a square at column `x` of a 100x200 frame (shifted 1 px: IoU 0.95; 10 px: 0.6)."""
    mask = np.zeros((100, 200), bool)
    mask[30 : 30 + side, x : x + side] = True
    return mask


def events(
    tracker: PartTracker, frames: list[np.ndarray | None], judge: bool = True
) -> list[tuple[int, Event]]:
    """(frame index, event) for each event; a SETTLED part is judged at once unless `judge` is False."""
    seen = []
    for index, mask in enumerate(frames):
        event = tracker.update(mask)
        if event is not None:
            seen.append((index, event))
            if event is Event.SETTLED and judge:
                tracker.judged()
    return seen


def test_iou_of_masks():
    assert mask_iou(square(10), square(10)) == 1.0
    assert mask_iou(square(10), square(11)) == pytest.approx(39 / 41)
    assert mask_iou(square(10), square(100)) == 0.0
    assert mask_iou(np.zeros((4, 4), bool), np.zeros((4, 4), bool)) == 0.0


def test_a_part_that_arrives_settles_and_leaves_is_judged_once_on_its_settled_frame():
    tracker = PartTracker(settle_frames=4, settle_iou=0.9, leave_frames=3)
    arriving = [square(x) for x in (0, 20, 40)]  # moved in: far apart frame to frame
    still = [square(60), square(61), square(60), square(61), square(60), square(61)]
    frames = [None, *arriving, *still, None, None, None, None]
    assert events(tracker, frames) == [(7, Event.SETTLED)]  # the 4th still frame in a row
    assert not tracker.present


def test_the_verdict_is_asked_for_again_until_it_is_recorded():
    """A verdict that failed (the backbone raised) is tried on the next still frame, not lost."""
    tracker = PartTracker(settle_frames=2, settle_iou=0.9, leave_frames=2)
    assert events(tracker, [square(60)] * 4, judge=False) == [
        (1, Event.SETTLED),
        (2, Event.SETTLED),
        (3, Event.SETTLED),
    ]
    tracker.judged()
    assert events(tracker, [square(60)] * 3 + [None, None]) == []


def test_a_short_gap_does_not_split_a_part_and_a_long_one_does():
    tracker = PartTracker(settle_frames=2, settle_iou=0.9, leave_frames=3)
    one_part = [square(60), square(60), None, None, square(60), square(60)]  # lost for two frames
    assert events(tracker, one_part) == [(1, Event.SETTLED)]
    assert events(tracker, [None, None, None, square(60), square(60)]) == [(4, Event.SETTLED)]


def test_a_part_that_never_holds_still_gets_one_unsettled_event_when_it_leaves():
    tracker = PartTracker(settle_frames=3, settle_iou=0.9, leave_frames=2)
    sliding = [square(x) for x in range(0, 150, 10)]  # IoU 0.6 frame to frame
    assert events(tracker, [*sliding, None, None, None]) == [(len(sliding) + 1, Event.UNSETTLED)]


def test_a_blip_shorter_than_a_settle_window_is_no_part():
    tracker = PartTracker(settle_frames=5, settle_iou=0.9, leave_frames=2)
    assert events(tracker, [square(0), square(30), None, None, None]) == []
    assert not tracker.present


def test_stillness_is_counted_in_a_row():
    """One jolt restarts the count: a part being adjusted is judged once it is let go."""
    tracker = PartTracker(settle_frames=3, settle_iou=0.9, leave_frames=2)
    frames = [square(60), square(60), square(90), square(90), square(90)]
    assert events(tracker, frames) == [(4, Event.SETTLED)]


@pytest.mark.parametrize(("settle", "iou", "leave"), [(1, 0.9, 1), (2, 0.0, 1), (2, 1.5, 1), (2, 0.9, 0)])
def test_settings_that_cannot_work_are_refused(settle, iou, leave):
    with pytest.raises(ValueError, match="settle_frames"):
        PartTracker(settle, iou, leave)

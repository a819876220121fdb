"""The open-palm capture trigger and the hand poses it rests on, from landmarks and timestamps."""

from __future__ import annotations

import pytest

from kiosk.masking import Hand, OpenPalmTrigger
from testkit.scenes import hand_landmarks


def _hand(pose: str) -> Hand:
    points = hand_landmarks((320.0, 400.0), (320.0, 200.0), 90.0, pose)  # type: ignore[arg-type]
    return Hand(points / [640.0, 480.0])


OPEN, FIST, POINT, GRIP = _hand("open"), _hand("fist"), _hand("point"), _hand("grip")


@pytest.mark.parametrize(
    ("hand", "open_palm", "pointing"),
    [(OPEN, True, False), (FIST, False, False), (POINT, False, True), (GRIP, False, False)],
    ids=["open", "fist", "point", "grip"],
)
def test_poses_are_told_apart(hand: Hand, open_palm: bool, pointing: bool) -> None:
    assert hand.is_open_palm() is open_palm
    assert hand.is_pointing() is pointing


def _run(trigger: OpenPalmTrigger, frames: list[tuple[float, list[Hand]]]) -> list[float]:
    return [t for t, hands in frames if trigger.update(hands, t)]


def test_an_open_palm_held_one_second_fires_once() -> None:
    frames = [(i / 15, [OPEN]) for i in range(60)]  # 4 s at 15 fps
    assert _run(OpenPalmTrigger(hold_s=1.0), frames) == [15 / 15]


def test_other_poses_never_fire() -> None:
    frames = [(i / 15, [hand]) for i, hand in enumerate([FIST, POINT, GRIP] * 20)]
    assert _run(OpenPalmTrigger(), frames) == []


def test_a_missed_frame_does_not_restart_the_hold_but_a_pause_does() -> None:
    blink = [(i / 15, [] if i == 8 else [OPEN]) for i in range(20)]
    assert _run(OpenPalmTrigger(hold_s=1.0, max_gap_s=0.25), blink) == [1.0]
    pause = [(i / 15, [] if 5 <= i < 12 else [OPEN]) for i in range(40)]  # a 0.5 s gap
    assert _run(OpenPalmTrigger(hold_s=1.0, max_gap_s=0.25), pause) == [(12 + 15) / 15]


def test_it_rearms_after_the_palm_goes_away() -> None:
    frames = [(i / 10, [OPEN] if i < 15 or i >= 20 else [FIST]) for i in range(40)]
    assert _run(OpenPalmTrigger(hold_s=1.0), frames) == [1.0, 3.0]


def test_the_injected_clock_is_used_when_no_timestamp_is_given() -> None:
    now = [100.0]
    trigger = OpenPalmTrigger(hold_s=1.0, clock=lambda: now[0])
    fired = []
    for step in range(5):
        now[0] = 100.0 + step * 0.25
        fired.append(trigger.update([OPEN]))
        if step == 2:
            assert trigger.progress == pytest.approx(0.5)
    assert fired == [False, False, False, False, True]


def test_bad_settings_and_time_going_backwards_are_errors() -> None:
    with pytest.raises(ValueError, match="hold_s must be positive"):
        OpenPalmTrigger(hold_s=0)
    trigger = OpenPalmTrigger()
    trigger.update([OPEN], 5.0)
    with pytest.raises(ValueError, match="backwards"):
        trigger.update([OPEN], 4.0)

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.camera.replay import Pacer
from tests.kiosk.camera.conftest import FakeClock

EPS = 1e-9


def run(fps: float, delays: list[float]) -> tuple[list[float], list[int], FakeClock]:
    """Release len(delays) + 1 frames; before each after the first the consumer spends delays[i] s.
    Returns the release times and, per release, how many sleeps it took."""
    clock = FakeClock()
    pacer = Pacer(fps, clock, clock.sleep)
    stamps = [pacer.wait()]
    sleeps = [len(clock.sleeps)]
    for delay in delays:
        clock.advance(delay)
        before = len(clock.sleeps)
        stamps.append(pacer.wait())
        sleeps.append(len(clock.sleeps) - before)
    return stamps, sleeps, clock


schedules = st.tuples(
    st.floats(min_value=0.5, max_value=240),
    st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=40),
).map(lambda t: (t[0], [d * 3 / t[0] for d in t[1]]))  # delays from 0 to 3 periods


@settings(max_examples=300, deadline=None)
@given(schedules)
def test_frame_i_is_never_released_before_frame_0_plus_i_periods(schedule) -> None:
    fps, delays = schedule
    stamps, _, _ = run(fps, delays)
    for i, stamp in enumerate(stamps):
        assert stamp - stamps[0] >= i / fps - EPS * (1 + i)


@settings(max_examples=300, deadline=None)
@given(schedules)
def test_it_never_sleeps_when_the_consumer_is_a_period_or_more_behind(schedule) -> None:
    fps, delays = schedule
    stamps, sleeps, clock = run(fps, delays)
    assert sleeps[0] == 0
    for i, delay in enumerate(delays, start=1):
        arrived = stamps[i - 1] + delay
        if delay >= 1 / fps:
            assert sleeps[i] == 0 and stamps[i] == arrived
        else:
            assert stamps[i] >= arrived  # waited at most until its slot...
            assert stamps[i] <= stamps[i - 1] + 1 / fps + EPS * 10  # ...never beyond one period
    assert all(s > 0 for s in clock.sleeps)


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=0.5, max_value=240), st.integers(min_value=1, max_value=50))
def test_a_consumer_that_keeps_up_gets_frames_exactly_one_period_apart(fps: float, n: int) -> None:
    stamps, _, _ = run(fps, [0.0] * n)
    for i, stamp in enumerate(stamps):
        assert abs(stamp - stamps[0] - i / fps) <= 1e-6 * (1 + i / fps)


def test_after_a_stall_the_schedule_restarts_instead_of_bursting() -> None:
    stamps, sleeps, _ = run(10.0, [2.0, 0.0, 0.0, 0.0])
    assert sleeps[1] == 0
    assert [round(s - stamps[1], 9) for s in stamps[1:]] == [0.0, 0.1, 0.2, 0.3]


def test_small_lateness_is_made_up_so_the_average_rate_holds() -> None:
    stamps, _, _ = run(10.0, [0.15, 0.0, 0.0])  # half a period late, then keeps up
    assert [round(s - stamps[0], 9) for s in stamps] == [0.0, 0.15, 0.2, 0.3]


def test_fps_zero_returns_the_clock_and_never_sleeps() -> None:
    stamps, sleeps, clock = run(0.0, [0.0, 0.0, 0.5])
    assert stamps == [1000.0, 1000.0, 1000.0, 1000.5]
    assert clock.sleeps == [] and sleeps == [0, 0, 0, 0]

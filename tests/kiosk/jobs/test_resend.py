"""Resend timing on its own: back-off with full jitter, one pending resend per job, a dead stop."""

from __future__ import annotations

import random
import statistics
import threading

from kiosk.jobs.resend import Backoff, Resends
from tests.kiosk.jobs.clock import HighestDraw, ManualClock

BACKOFF = Backoff(base_s=0.5, cap_s=30.0)


def test_the_bound_doubles_from_the_base_to_the_cap():
    assert [BACKOFF.pause(n, HighestDraw()) for n in range(9)] == [0.5, 1, 2, 4, 8, 16, 30, 30, 30]
    assert BACKOFF.pause(100_000, HighestDraw()) == 30, "no overflow for a job refused for days"


def test_pauses_are_drawn_across_the_whole_range_below_the_bound():
    rng = random.Random(14)
    for attempt, bound in [(0, 0.5), (3, 4.0), (6, 30.0), (40, 30.0)]:
        pauses = [BACKOFF.pause(attempt, rng) for _ in range(2000)]
        assert all(0 <= pause <= bound for pause in pauses)
        assert min(pauses) < 0.05 * bound and max(pauses) > 0.95 * bound, "full jitter: 0 up to the bound"
        assert abs(statistics.mean(pauses) - bound / 2) < 0.05 * bound
    first, second = random.Random(1), random.Random(2)
    assert [BACKOFF.pause(5, first) for _ in range(5)] != [BACKOFF.pause(5, second) for _ in range(5)]


def _resends(clock: ManualClock, sent: list[str], **kwargs) -> Resends:
    return Resends(sent.append, busy=BACKOFF, no_answer_s=30.0, schedule=clock, rng=HighestDraw(), **kwargs)


def test_each_busy_answer_doubles_the_pause_until_the_job_is_taken():
    clock, sent = ManualClock(), []
    resends = _resends(clock, sent)
    waits = []
    for _ in range(8):
        resends.busy("j1")
        before = clock.now
        clock.fire_next()
        waits.append(clock.now - before)
    assert waits == [0.5, 1, 2, 4, 8, 16, 30, 30] and sent == ["j1"] * 8
    resends.settled("j1")  # a worker took it: the next refusal starts from the base again
    resends.busy("j1")
    assert clock.pending()[0].due == clock.now + 0.5


def test_a_job_without_an_answer_goes_again_after_the_silence_plus_its_back_off():
    clock, sent = ManualClock(), []
    resends = Resends(
        lambda job_id: (sent.append(job_id), resends.sent(job_id)),  # as the client does: send, then re-arm
        busy=BACKOFF,
        no_answer_s=30.0,
        schedule=clock,
        rng=HighestDraw(),
    )
    resends.sent("j1")
    for _ in range(4):
        clock.fire_next()
    assert [timer.due for timer in clock.timers] == [30.5, 61.5, 93.5, 127.5, 165.5]
    assert sent == ["j1"] * 4


def test_one_pending_resend_per_job_and_settling_cancels_it():
    clock, sent = ManualClock(), []
    resends = _resends(clock, sent)
    resends.sent("j1")
    resends.busy("j1")  # the busy answer replaces the wait for an answer
    resends.sent("j2")
    assert [timer.due for timer in clock.pending()] == [0.5, 30.5]
    resends.settled("j2")
    assert [timer.due for timer in clock.pending()] == [0.5]


def test_after_stop_nothing_is_armed_and_a_late_timer_does_nothing():
    clock, sent = ManualClock(), []
    resends = _resends(clock, sent)
    resends.busy("j1")
    late = clock.pending()[0]
    resends.stop()
    assert clock.pending() == [], "stop cancels what is pending"
    late.action()  # a timer thread that had already fired when stop cancelled it
    resends.busy("j2")
    resends.sent("j3")
    assert sent == [] and clock.pending() == []


def test_stop_waits_for_a_resend_under_way():
    clock, order = ManualClock(), []
    entered, release = threading.Event(), threading.Event()

    def resend(job_id: str) -> None:
        entered.set()
        assert release.wait(10)
        order.append("resend done")  # the client's outbox is still open here

    resends = Resends(resend, busy=BACKOFF, no_answer_s=30.0, schedule=clock, rng=HighestDraw())
    resends.busy("j1")
    timer_thread = threading.Thread(target=clock.fire_next)
    timer_thread.start()
    assert entered.wait(10)
    stopper = threading.Thread(target=lambda: (resends.stop(), order.append("stopped")))
    stopper.start()
    release.set()
    stopper.join(10)
    timer_thread.join(10)
    assert order == ["resend done", "stopped"]

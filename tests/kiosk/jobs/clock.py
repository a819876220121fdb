"""A clock the test moves by hand, for the job client's resend timers: no sleeps, no timing races."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class ManualTimer:
    due: float
    action: Callable[[], None] = field(repr=False)
    cancelled: bool = False

    def cancel(self) -> None:
        self.cancelled = True


class ManualClock:
    """A `kiosk.jobs.resend.Schedule`: actions run when the test advances the clock past them."""

    def __init__(self) -> None:
        self.now = 0.0
        self.timers: list[ManualTimer] = []
        """Every timer ever scheduled, in order, cancelled ones too."""
        self._changed = threading.Condition()

    def __call__(self, delay: float, action: Callable[[], None]) -> ManualTimer:
        with self._changed:
            timer = ManualTimer(self.now + delay, action)
            self.timers.append(timer)
            self._changed.notify_all()
            return timer

    def pending(self) -> list[ManualTimer]:
        with self._changed:
            return sorted((timer for timer in self.timers if not timer.cancelled), key=lambda t: t.due)

    def fire_next(self) -> ManualTimer:
        """Move the clock to the earliest pending timer and run it, on the caller's thread."""
        timer = self.pending()[0]
        with self._changed:
            self.now = timer.due
            timer.cancelled = True  # a timer runs once
        timer.action()
        return timer

    def wait_scheduled(self, count: int, timeout: float = 20.0) -> None:
        """Block until `count` timers have been scheduled in all (the client arms them on other threads)."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.timers) >= count, timeout):
                raise AssertionError(f"{len(self.timers)} timers scheduled within {timeout} s, not {count}")


class HighestDraw:
    """A stand-in for `random.Random` whose `uniform` always gives the top of the range: the pauses
    it yields are exactly the back-off's bounds."""

    def uniform(self, low: float, high: float) -> float:
        return high

"""When the kiosk sends an untaken job again: after a `busy` answer, and after no answer at all.

A `busy` answer (the worker's queue is full) used to bring the job back after a fixed 2 to 3 s:
500 jobs against a saturated fleet cost 31,001 resends in 421 s, each a full upload of the job
and a full image decode on the worker, which slowed the very workers that were full. Now each job
has its own exponential back-off with full jitter: its n-th pause (n = 0, 1, ..., counting the
times it went out again untaken) is drawn uniformly from [0, min(cap, base * 2**n)]
(https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/). A job refused again
and again waits longer each time, up to the cap, and kiosks refused together come back spread out
rather than together.

A job that gets no answer at all (no `accepted`, no `busy`: its message lost with a broker that
restarted without its store, or a worker that died while taking it in) is sent again after
`no_answer_s` plus the same back-off. A worker answers a job the moment it takes it in, so
silence that long means the job is not on its way.

`Resends` keeps at most one pending resend per job and stops for good on `stop`: a timer that
fires after it does nothing, and `stop` waits for a resend already under way, so nothing touches
the client's outbox once the client has closed it.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

_MAX_DOUBLINGS = 62
"""Past this, base * 2**n is above any sensible cap; stops 2.0 ** n overflowing for a long-lived job."""


@dataclass(frozen=True)
class Backoff:
    """Exponential back-off with full jitter."""

    base_s: float
    cap_s: float

    def pause(self, attempt: int, rng: Dice) -> float:
        """Seconds to wait before the send after `attempt` untaken ones (0 for the first pause)."""
        return rng.uniform(0.0, min(self.cap_s, self.base_s * 2.0 ** min(attempt, _MAX_DOUBLINGS)))


class Dice(Protocol):
    """What the back-off draws from: `random.Random`, or a test's stand-in."""

    def uniform(self, a: float, b: float) -> float: ...


class Timer(Protocol):
    def cancel(self) -> None: ...


Schedule = Callable[[float, Callable[[], None]], Timer]
"""Runs an action after a delay in seconds on some thread; the tests pass a clock of their own."""


def thread_timer(delay: float, action: Callable[[], None]) -> Timer:
    """A daemon `threading.Timer`: a pending resend never keeps the process alive."""
    timer = threading.Timer(delay, action)
    timer.daemon = True
    timer.start()
    return timer


class Resends:
    """Per job, the pending resend and how many untaken sends it has had.

    `resend(job_id)` is the client's: it sends the job again if that still makes sense (the job
    is untaken, the link is up, a worker of its backend is online) and then calls `sent`.
    """

    def __init__(
        self,
        resend: Callable[[str], None],
        *,
        busy: Backoff,
        no_answer_s: float,
        schedule: Schedule = thread_timer,
        rng: Dice | None = None,
    ) -> None:
        self._resend = resend
        self._backoff = busy
        self._no_answer_s = no_answer_s
        self._schedule = schedule
        self._rng: Dice = rng or random.Random()
        self._lock = threading.Condition()
        self._pending: dict[str, Timer] = {}
        self._attempts: Counter[str] = Counter()
        self._running = 0
        self._stopped = False

    def sent(self, job_id: str) -> None:
        """The job went out untaken: unless an answer comes, send it again later."""
        with self._lock:
            self._arm(job_id, self._no_answer_s + self._backoff.pause(self._attempts[job_id], self._rng))

    def busy(self, job_id: str) -> None:
        """A worker's queue was full: send the job again after its next back-off pause."""
        with self._lock:
            self._arm(job_id, self._backoff.pause(self._attempts[job_id], self._rng))

    def settled(self, job_id: str) -> None:
        """A worker took the job, or it ended: nothing is pending for it, and its count starts over."""
        with self._lock:
            self._disarm(job_id)
            self._attempts.pop(job_id, None)

    def stop(self) -> None:
        """Cancel every pending resend and wait for one under way; nothing is sent from now on."""
        with self._lock:
            self._stopped = True
            for job_id in list(self._pending):
                self._disarm(job_id)
            self._lock.wait_for(lambda: self._running == 0)

    def _arm(self, job_id: str, delay: float) -> None:
        """Caller holds `_lock`. Replaces the job's pending resend, if any."""
        if self._stopped:
            return
        self._disarm(job_id)
        timer: Timer | None = None

        def fire() -> None:
            self._fire(job_id, timer)

        timer = self._schedule(delay, fire)
        self._pending[job_id] = timer

    def _disarm(self, job_id: str) -> None:
        """Caller holds `_lock`."""
        timer = self._pending.pop(job_id, None)
        if timer is not None:
            timer.cancel()

    def _fire(self, job_id: str, timer: Timer | None) -> None:
        with self._lock:
            if self._stopped or self._pending.get(job_id) is not timer:
                return  # stopped, settled or re-armed since: this timer's time has passed
            del self._pending[job_id]
            self._attempts[job_id] += 1
            self._running += 1
        try:
            self._resend(job_id)
        finally:
            with self._lock:
                self._running -= 1
                self._lock.notify_all()

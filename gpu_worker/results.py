"""Which jobs this worker has seen, so a job id never yields a second set of images.

Kiosks resend jobs they have no answer for (after a reconnect, or when a
worker appears), so duplicates are normal. A job seen again is ignored while
it is queued or running, and answered from here once it has finished. Kept in
memory under a byte budget: after a worker restart a resent job is simply
generated again, which the kiosk de-duplicates by image index.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

JobKey = tuple[str, str]
"""(kiosk_id, job_id): job ids are chosen by kiosks, so they are only unique per kiosk."""


@dataclass(frozen=True)
class StoredEvent:
    topic: str
    payload: bytes


@dataclass(frozen=True)
class Claim:
    """The answer to "may I run this job?"."""

    owned: bool
    """True: the caller now runs the job. False: it is queued, running, or finished."""
    replay: tuple[StoredEvent, ...] = ()
    """For a finished job: its events, to send again."""


class ResultCache:
    def __init__(self, budget_bytes: int) -> None:
        self._budget = budget_bytes
        self._lock = threading.Lock()
        self._active: set[JobKey] = set()
        self._finished: OrderedDict[JobKey, list[StoredEvent]] = OrderedDict()
        self._size = 0

    def claim(self, key: JobKey) -> Claim:
        with self._lock:
            if key in self._finished:
                self._finished.move_to_end(key)
                return Claim(owned=False, replay=tuple(self._finished[key]))
            if key in self._active:
                return Claim(owned=False)
            self._active.add(key)
            return Claim(owned=True)

    def release(self, key: JobKey) -> None:
        """Forget a claim without a result (a retryable failure): a resend runs again."""
        with self._lock:
            self._active.discard(key)

    def finish(self, key: JobKey, events: list[StoredEvent]) -> None:
        size = sum(len(event.payload) for event in events)
        with self._lock:
            self._active.discard(key)
            if size > self._budget:
                return
            self._finished[key] = events
            self._size += size
            while self._size > self._budget:
                _, dropped = self._finished.popitem(last=False)
                self._size -= sum(len(event.payload) for event in dropped)

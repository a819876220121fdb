"""The worker's queue of accepted jobs: bounded, closable and fair between kiosks.

One GPU serves many kiosks. In a plain FIFO a kiosk that sends twenty jobs
makes a kiosk that sends one wait behind all twenty; here kiosks share the
worker's time instead (start-time fair queueing, Goyal et al. 1996). Each job
is stamped on arrival with a start in *virtual time*: its kiosk's finish, or
the current virtual time if that is later, and the kiosk's finish moves on by
the job's expected cost. Jobs run in (start, arrival) order, so each kiosk is
its own FIFO and a kiosk's backlog delays only that kiosk. A kiosk that comes
back after a quiet spell starts at the current virtual time: it cannot save
up turns by staying away.

The cost is the worker's time, not a count of jobs: fair turns alone gave a
kiosk whose every job is six times dearer (the largest image the protocol
allows, of noise) six times the others' share of the worker. A job's cost is
expected from what its kiosk's jobs have cost lately, and charged exactly
when it ends (`finished(..., seconds=)`): the difference moves the kiosk's
finish and its waiting jobs, so a kiosk pays for what it used, whatever it
sends. With no measured costs every job counts 1 and kiosks take one turn
each per round.

Bounded twice, so a flood is answered with `busy` at intake instead of growing
memory and latency without limit: in total, and per kiosk (by default half the
total), because fair ordering alone does not stop one kiosk from taking every
place and so shutting the others out of the queue altogether.

A job whose images are still being decoded holds a reserved place (`reserve`,
then `put(..., reserved=True)` or `release`): decoding runs off the thread
that reads the broker, and the limits must count the jobs in preparation, or
one kiosk could pile up any number of them between the check and the put.
"""

from __future__ import annotations

import bisect
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Generic, TypeVar

T = TypeVar("T")

COST_SMOOTHING = 0.5
"""Weight of the latest measured cost in a kiosk's expected cost: the charge corrects any error
exactly, so the expectation only needs to follow a kiosk that changes what it sends."""


class QueueFull(Exception):
    """No room for this job now (queue, kiosk share, or a stopping worker): the kiosk may retry later."""


@dataclass(frozen=True, order=True)
class _Waiting(Generic[T]):
    """A queued job with its place in the run order: compared by (start, arrival) only."""

    start: float
    arrival: int
    kiosk: str = field(compare=False)
    item: T = field(compare=False)
    cost: float = field(compare=False)
    """What its kiosk was charged for it when it was stamped; `finished` settles the difference."""


def _never(_head: object, _other: object) -> bool:
    return False


def _one(_item: object) -> float:
    return 1.0


class JobQueue(Generic[T]):
    def __init__(
        self,
        limit: int,
        kiosk_of: Callable[[T], str],
        per_kiosk_limit: int | None = None,
        share_of: Callable[[T], float] | None = None,
    ) -> None:
        """`per_kiosk_limit` defaults to half of `limit` (at least 1): one kiosk can never hold
        more than half the places, so the others always find room while it floods. `share_of`:
        a job's part of a batch's time (the worker's: its images), so a job riding in a batch
        with a bigger one pays for its own images, not half of the other's; default 1 each."""
        per_kiosk_limit = max(1, limit // 2) if per_kiosk_limit is None else per_kiosk_limit
        if not 1 <= per_kiosk_limit <= limit:
            raise ValueError(f"need 1 <= per_kiosk_limit <= limit, got {per_kiosk_limit} and {limit}")
        self._limit = limit
        self._per_kiosk_limit = per_kiosk_limit
        self._kiosk_of = kiosk_of
        self._share_of = share_of or _one
        self._waiting: list[_Waiting[T]] = []
        """Sorted: the order the jobs will run in."""
        self._waiting_per_kiosk: Counter[str] = Counter()
        self._reserved: Counter[str] = Counter()
        """Places held, per kiosk, for jobs still being prepared: they count against both limits."""
        self._finish: dict[str, float] = {}
        """Each kiosk's virtual finish, kept only while it is ahead of the virtual time."""
        self._virtual = 0.0
        """The start of the job taken last: no job is stamped earlier."""
        self._expected: dict[str, float] = {}
        """Each active kiosk's expected cost of a job (smoothed measurements)."""
        self._typical = 1.0
        """The expected cost for a kiosk with none of its own: smoothed over every kiosk's jobs."""
        self._arrivals = 0
        self._running: list[_Waiting[T]] = []
        self._ready = threading.Condition()
        self._closed = False

    @property
    def depth(self) -> int:
        """Jobs waiting or running: the queue depth the worker's status reports."""
        with self._ready:
            return len(self._waiting) + len(self._running)

    def put(self, item: T, *, reserved: bool = False) -> int:
        """Add a job; returns how many jobs will run before it, those running now included.

        Exact for everything queued at this moment. A job sent later can still
        go first, but only one from a kiosk that has used less of the worker
        (or a job moves back when its kiosk is charged more than expected):
        that is the fairness, and the kiosk's own later jobs never overtake it.
        `reserved`: the job fills a place `reserve` held for it (it is not
        checked for room again); QueueFull only if the queue closed meanwhile.
        """
        kiosk = self._kiosk_of(item)
        with self._ready:
            if not reserved:
                self._check_room(kiosk)
            elif self._closed:
                raise QueueFull("the worker is stopping")
            else:
                self._unreserve(kiosk)
            cost = self._expected.setdefault(kiosk, self._typical)
            start = max(self._virtual, self._finish.get(kiosk, self._virtual))
            entry = _Waiting(start, self._arrivals, kiosk, item, cost)
            self._arrivals += 1
            ahead = bisect.bisect(self._waiting, entry)
            self._waiting.insert(ahead, entry)
            self._finish[kiosk] = start + cost
            self._waiting_per_kiosk[kiosk] += 1
            self._ready.notify()
            return len(self._running) + ahead

    def reserve(self, kiosk: str) -> None:
        """Hold a place for a job of `kiosk` before it is prepared, or raise QueueFull at once.

        The check costs nothing next to decoding the job's images, so a kiosk
        over its share is refused at the speed its jobs arrive. The place counts
        against both limits until `put(..., reserved=True)` fills it or
        `release` gives it back.
        """
        with self._ready:
            self._check_room(kiosk)
            self._reserved[kiosk] += 1

    def release(self, kiosk: str) -> None:
        """Give back a place `reserve` held (the job failed while being prepared)."""
        with self._ready:
            if not self._closed:  # closing dropped every reservation already
                self._unreserve(kiosk)

    def _unreserve(self, kiosk: str) -> None:
        if self._reserved[kiosk] < 1:
            raise ValueError(f"kiosk {kiosk} holds no reserved place")
        self._reserved[kiosk] -= 1
        if not self._reserved[kiosk]:
            del self._reserved[kiosk]

    def _check_room(self, kiosk: str) -> None:
        if self._closed:
            raise QueueFull("the worker is stopping")
        held = len(self._waiting) + self._reserved.total()
        if held >= self._limit:
            raise QueueFull(f"the worker already has {held} jobs waiting")
        kiosk_held = self._waiting_per_kiosk[kiosk] + self._reserved[kiosk]
        if kiosk_held >= self._per_kiosk_limit:
            raise QueueFull(
                f"kiosk {kiosk} already fills its share of the queue ({kiosk_held} of {self._limit} places)"
            )

    def get(self) -> T | None:
        """Block until a job is there and take it; None once the queue is closed.

        The job counts as running (ahead of new jobs, in `depth`) until `finished`.
        """
        batch = self.get_batch(_never, 1)
        return batch[0] if batch else None

    def get_batch(self, compatible: Callable[[T, T], bool], max_items: int) -> list[T]:
        """Block for the next job and take, with it, waiting jobs that can run in the same batch.

        Candidates are looked at in run order, so when more are compatible than
        fit, the ones due soonest go. A job joins only if every earlier waiting
        job of its kiosk joined too: batching never reorders a kiosk's jobs.
        `compatible(head, other)` runs under the queue's lock, so it must be
        quick and must not use the queue. Returns [] once the queue is closed;
        every job taken counts as running until `finished`.
        """
        if max_items < 1:
            raise ValueError(f"max_items must be at least 1, got {max_items}")
        with self._ready:
            while not self._waiting and not self._closed:
                self._ready.wait()
            if self._closed:
                return []
            head = self._waiting[0]
            taken = [head]
            held_back: set[str] = set()
            for entry in self._waiting[1:]:
                if len(taken) == max_items:
                    break
                if entry.kiosk in held_back:
                    continue
                if compatible(head.item, entry.item):
                    taken.append(entry)
                else:
                    held_back.add(entry.kiosk)
            self._take(head.start, taken)
            return [entry.item for entry in taken]

    def remove(self, match: Callable[[T], bool]) -> list[T]:
        """Take the waiting jobs that `match` out of the queue (a cancel); running jobs stay.

        The kiosk's turns are not given back: its later jobs keep their places.
        """
        with self._ready:
            removed = [entry for entry in self._waiting if match(entry.item)]
            self._drop(removed)
            return [entry.item for entry in removed]

    def _drop(self, entries: list[_Waiting[T]]) -> None:
        dropped = {id(entry) for entry in entries}
        self._waiting = [entry for entry in self._waiting if id(entry) not in dropped]
        for entry in entries:
            self._waiting_per_kiosk[entry.kiosk] -= 1
            if not self._waiting_per_kiosk[entry.kiosk]:
                del self._waiting_per_kiosk[entry.kiosk]

    def _take(self, head_start: float, taken: list[_Waiting[T]]) -> None:
        self._drop(taken)
        self._running.extend(taken)
        self._virtual = head_start
        self._forget_idle()

    def _forget_idle(self) -> None:
        """A finish behind the virtual time no longer changes a kiosk's next start (and its kiosk
        has nothing waiting): forgetting it, and the expected cost of a kiosk with nothing in the
        queue, keeps both maps as small as the set of active kiosks."""
        self._finish = {kiosk: end for kiosk, end in self._finish.items() if end > self._virtual}
        active = {*self._finish, *self._reserved, *(entry.kiosk for entry in self._running)}
        self._expected = {kiosk: cost for kiosk, cost in self._expected.items() if kiosk in active}

    def finished(self, items: Sequence[T], seconds: float | None = None) -> None:
        """Jobs taken earlier (one `get_batch`) have ended, done or failed: they are no longer ahead
        of anyone, and their kiosks pay for the `seconds` they ran (a batch's shared by `share_of`).

        Without `seconds` each is charged what was expected when it was queued.
        """
        with self._ready:
            ended = [self._pop_running(item) for item in items]
            if seconds is None or not ended:
                return
            if seconds < 0:
                raise ValueError(f"a run cannot take {seconds} seconds")
            shares = [self._share_of(entry.item) for entry in ended]
            total = sum(shares)
            for entry, share in zip(ended, shares, strict=True):
                used = seconds * share / total if total > 0 else seconds / len(ended)
                self._charge(entry.kiosk, used - entry.cost)
                self._typical += COST_SMOOTHING * (used - self._typical)
                if entry.kiosk in self._expected:
                    self._expected[entry.kiosk] += COST_SMOOTHING * (used - self._expected[entry.kiosk])
            self._forget_idle()

    def _pop_running(self, item: T) -> _Waiting[T]:
        for index, entry in enumerate(self._running):
            if entry.item is item:
                return self._running.pop(index)
        raise ValueError(f"{item!r} cannot finish: it is not running")

    def _charge(self, kiosk: str, extra: float) -> None:
        """Settle a job's cost: its kiosk's finish and waiting jobs move by what it used beyond
        (or short of) what was expected, never to before the virtual time."""
        self._finish[kiosk] = max(self._virtual, self._finish.get(kiosk, self._virtual) + extra)
        self._waiting = sorted(
            replace(entry, start=max(self._virtual, entry.start + extra)) if entry.kiosk == kiosk else entry
            for entry in self._waiting
        )

    def close(self) -> None:
        """Drop waiting jobs and reserved places, refuse new ones and wake every waiting `get` with None."""
        with self._ready:
            self._closed = True
            self._waiting.clear()
            self._waiting_per_kiosk.clear()
            self._reserved.clear()
            self._finish.clear()
            self._expected.clear()
            self._ready.notify_all()

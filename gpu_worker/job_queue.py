"""The worker's queue of accepted jobs.

Bounded, so a flood of jobs is answered with `busy` at intake instead of
growing memory and latency without limit, and closable, so the runner thread
can be told to finish.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Generic, TypeVar

T = TypeVar("T")


class QueueFull(Exception):
    pass


class JobQueue(Generic[T]):
    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._items: deque[T] = deque()
        self._ready = threading.Condition()
        self._closed = False

    def put(self, item: T) -> int:
        """Add an item; returns how many items are ahead of it."""
        with self._ready:
            if len(self._items) >= self._limit:
                raise QueueFull(f"the worker already has {len(self._items)} jobs waiting")
            self._items.append(item)
            self._ready.notify()
            return len(self._items) - 1

    def get(self) -> T | None:
        """Block until an item is there; None once the queue is closed."""
        with self._ready:
            while not self._items and not self._closed:
                self._ready.wait()
            return self._items.popleft() if self._items else None

    def close(self) -> None:
        with self._ready:
            self._closed = True
            self._items.clear()
            self._ready.notify_all()

"""A revision number that the job client raises whenever something a watcher shows may have changed.

The Expand step shows each job's phase, and the phase depends on more than the job's own events: the
link going down ("the job is kept"), a worker of the job's backend leaving or arriving ("waiting for
a worker that runs inpaint"). Rather than each watcher polling every piece of state, the job client
raises one number on any of them (a job event, a worker's status, the link going up or down) and a
watcher sleeps until the number moves past the one it last saw, then looks at everything once.
Waking on a number, not on a flag, means nothing is missed between looking and sleeping.
"""

from __future__ import annotations

import threading


class News:
    """A counter to wait on. Thread-safe; `raise_` never blocks on a watcher."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._revision = 0

    @property
    def revision(self) -> int:
        with self._changed:
            return self._revision

    def raise_(self) -> None:
        with self._changed:
            self._revision += 1
            self._changed.notify_all()

    def wait_after(self, seen: int, timeout: float) -> int:
        """Block until the revision is not `seen` any more, or `timeout` seconds; the revision now."""
        with self._changed:
            self._changed.wait_for(lambda: self._revision != seen, timeout)
            return self._revision

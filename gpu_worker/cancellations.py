"""Jobs that kiosks have withdrawn, remembered for a while.

A cancel goes to every worker (only the one holding the job can act on it),
and it can overtake its own job: with QoS 1 and a resend after a reconnect, a
job may reach a worker after the kiosk gave up on it. Remembering recent
cancels lets a worker refuse such a late job instead of spending the GPU on
images nobody will look at. Bounded: the oldest are forgotten first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from gpu_worker.results import JobKey

DEFAULT_CAPACITY = 4096


class Cancellations:
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        self._keys: OrderedDict[JobKey, None] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, key: JobKey) -> None:
        with self._lock:
            self._keys[key] = None
            self._keys.move_to_end(key)
            while len(self._keys) > self._capacity:
                self._keys.popitem(last=False)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._keys

"""Jobs that kiosks have withdrawn, remembered for a while.

A cancel goes to every worker (only the one holding the job can act on it),
and it can overtake its own job: with QoS 1 and a resend after a reconnect, a
job may reach a worker after the kiosk gave up on it. Remembering recent
cancels lets a worker refuse such a late job instead of spending the GPU on
images nobody will look at.

Bounded per kiosk, the oldest forgotten first: with one shared bound, a kiosk
sending cancels for made-up job ids by the thousand pushed every other
kiosk's cancels out, and their late jobs ran again. A kiosk may cancel only in
its own name (the broker's roles), so the number of kiosks is the fleet's;
past `max_kiosks` the one quiet the longest is forgotten.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from gpu_worker.results import JobKey

PER_KIOSK = 256
"""Far more than the jobs one kiosk has in flight (an Expand run of a whole class is tens)."""
MAX_KIOSKS = 1024


class Cancellations:
    def __init__(self, per_kiosk: int = PER_KIOSK, max_kiosks: int = MAX_KIOSKS) -> None:
        self._per_kiosk = per_kiosk
        self._max_kiosks = max_kiosks
        self._by_kiosk: OrderedDict[str, OrderedDict[str, None]] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, key: JobKey) -> None:
        kiosk, job_id = key
        with self._lock:
            jobs = self._by_kiosk.setdefault(kiosk, OrderedDict())
            self._by_kiosk.move_to_end(kiosk)
            jobs[job_id] = None
            jobs.move_to_end(job_id)
            if len(jobs) > self._per_kiosk:
                jobs.popitem(last=False)
            if len(self._by_kiosk) > self._max_kiosks:
                self._by_kiosk.popitem(last=False)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, tuple) or len(key) != 2:
            return False
        kiosk, job_id = key
        with self._lock:
            return job_id in self._by_kiosk.get(kiosk, ())

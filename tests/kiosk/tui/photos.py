"""Projects with real photos and a real worker for the expand and train steps' tests.

The photos are the learning tests' rendered shapes (a known answer per class, ~8 ms each through
the backbone); the worker is an in-process `WorkerService` on the test's mosquitto, awaited by its
retained `online` status, as `tests/gpu_worker/conftest.py` does.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import lru_cache

import numpy as np

from gpu_worker.backends import Backend
from gpu_worker.backends.classic import ClassicBackend
from gpu_worker.config import WorkerConfig
from gpu_worker.service import WorkerService
from kiosk.features.backbone import Backbone
from kiosk.store import Project, Sample, Source
from shared.protocol import WorkerStatus, topics
from testkit.probe import Probe
from testkit.shapes import render


@lru_cache(maxsize=1)
def shared_backbone() -> Backbone:
    """The committed fp32 backbone, loaded once for all of these tests."""
    return Backbone()


def add_photos(project: Project, per_class: dict[str, int], seed: int = 0) -> dict[str, list[Sample]]:
    """Camera samples of the rendered test classes ("apple", "leaf", "sky"), by label."""
    rng = np.random.default_rng(seed)
    added: dict[str, list[Sample]] = {}
    for label, count in per_class.items():
        found = project.find_class(label)
        class_id = (found or project.add_class(label)).id
        added[label] = [project.add_sample(render(label, rng), class_id, Source.CAMERA) for _ in range(count)]
    return added


def start_worker(
    url: str, worker_id: str = "w1", backends: dict[str, Backend] | None = None
) -> WorkerService:
    """A started worker, returned once its `online` status is on the broker (a fresh probe sees the
    retained status, so this also works for a worker id that was online before)."""
    service = WorkerService(
        WorkerConfig(broker=url, worker_id=worker_id), backends=backends or {"classic": ClassicBackend()}
    )
    service.start()
    probe = Probe(url, topics.worker_status(worker_id))
    try:
        probe.expect(lambda seen: isinstance(seen.message, WorkerStatus) and seen.message.state == "online")
    finally:
        probe.close()
    return service


def eventually(condition: Callable[[], bool], timeout: float = 15.0, what: str = "the condition") -> None:
    """Wait until `condition()` holds, for state that can only be read (a client's view of the
    workers arrives on its own network thread with no hook to wait on); fails after `timeout`."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        pause.wait(0.01)

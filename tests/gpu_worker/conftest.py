from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from gpu_worker.backends.classic import ClassicBackend
from gpu_worker.config import WorkerConfig
from gpu_worker.service import WorkerService
from shared.protocol import WorkerStatus, topics
from testkit.jobs import FailingBackend, GatedBackend


class FakeClock:
    """Wall time that a test can move forward, for deadline tests without waiting."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def gated() -> GatedBackend:
    return GatedBackend()


@pytest.fixture
def worker_factory(mosquitto, probe_factory, clock, gated) -> Iterator:
    """Start in-process workers and return once each has announced itself online.

    The retained `online` status is published after the jobs subscription, so
    seeing it means the worker will receive jobs sent from now on.
    """
    services: list[WorkerService] = []
    watcher = probe_factory(topics.WORKER_STATUS_FILTER)

    def make(
        worker_id: str = "w1", backends: dict | None = None, from_config: tuple[str, ...] = (), **config
    ) -> WorkerService:
        """`from_config`: backends the service builds itself from `config`, as `teachbooth worker` does."""
        if from_config:
            config["backends"], backends = from_config, None
        else:
            backends = backends or {"classic": ClassicBackend(), "gated": gated, "failing": FailingBackend()}
        service = WorkerService(
            WorkerConfig(broker=mosquitto.url, worker_id=worker_id, **config), backends=backends, clock=clock
        )
        service.start()
        services.append(service)
        watcher.expect(
            lambda seen: (
                isinstance(seen.message, WorkerStatus)
                and seen.message.worker_id == worker_id
                and seen.message.state == "online"
            )
        )
        return service

    yield make
    gated.gate.set()
    for service in services:
        service.stop()

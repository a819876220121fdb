"""The broker restarts (persistence on) while a worker holds queued jobs: nothing lost, nothing twice.

A restart cuts every connection at once: the worker's events in flight, the kiosk's
subscription, the worker's queue of accepted jobs. Afterwards the kiosk resends every unfinished
job, the worker ignores the ones it already holds and replays the ones it finished, and the
kiosk keeps one image per index; a job submitted while the broker is down waits in the outbox.
"""

from __future__ import annotations

import functools
import threading
from collections import Counter

from gpu_worker.backends.classic import ClassicBackend
from gpu_worker.config import WorkerConfig
from gpu_worker.service import WorkerService
from kiosk.jobs.client import JobClient
from kiosk.jobs.handle import JobHandle, JobState
from shared.mqtt import BrokerUrl, MqttLink
from shared.protocol import JobAccepted, JobEvent, JobImage
from testkit.jobs import GatedBackend, make_job
from tests.kiosk.jobs.test_client import wait_worker_online


class Deliveries:
    """What the kiosk handed to the app: images per (job, index), and jobs accepted so far."""

    def __init__(self) -> None:
        self.images: Counter[tuple[str, int]] = Counter()
        self._accepted: set[str] = set()
        self._changed = threading.Condition()

    def on_event(self, handle: JobHandle, event: JobEvent) -> None:
        with self._changed:
            if isinstance(event, JobImage):
                self.images[(handle.job_id, event.index)] += 1
            elif isinstance(event, JobAccepted):
                self._accepted.add(handle.job_id)
            self._changed.notify_all()

    def wait_accepted(self, count: int, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: len(self._accepted) >= count, timeout)


def test_jobs_queued_at_the_worker_survive_a_broker_restart_exactly_once(mosquitto, probe_factory, tmp_path):
    assert mosquitto.persistence
    gated = GatedBackend()
    worker = WorkerService(
        WorkerConfig(broker=mosquitto.url, worker_id="w1"),
        backends={"gated": gated, "classic": ClassicBackend()},
    )
    worker.start()
    deliveries = Deliveries()
    client = JobClient(
        BrokerUrl.parse(mosquitto.url), "k1", tmp_path / "outbox.sqlite", on_event=deliveries.on_event
    )
    try:
        wait_worker_online(probe_factory, "w1")
        client.start()
        assert client.wait_connected(10)

        running = make_job(backend="gated", num_images=2)
        client.submit(running)
        assert gated.first_image_out.wait(20)  # the worker is inside the first job
        queued = [make_job(backend="classic", num_images=2, seed=seed) for seed in range(3)]
        for job in queued:
            client.submit(job)
        assert deliveries.wait_accepted(4, 20)  # all four are the worker's now

        mosquitto.stop()  # graceful: mosquitto writes its persistence file
        assert (mosquitto.workdir / "mosquitto.db").is_file()
        late = make_job(backend="classic", num_images=2, seed=9)
        client.submit(late)  # no broker: the outbox keeps it
        assert client.outbox_depth() == 5
        mosquitto.start()
        gated.gate.set()

        jobs = [running, *queued, late]
        for job in jobs:
            handle = client.wait(client.handle(job.job_id), timeout=30)
            assert handle.state is JobState.DONE and sorted(handle.images) == [0, 1]
        assert deliveries.images == {(job.job_id, index): 1 for job in jobs for index in (0, 1)}
        assert worker.stats["accepted"] == 5, "no job was queued twice at the worker"
        assert worker.stats["done"] == 5, "no job was generated twice"
        assert client.outbox_depth() == 0
    finally:
        gated.gate.set()
        client.stop()
        worker.stop()


def test_a_job_sent_before_the_worker_is_back_after_a_broker_crash_still_runs(
    mosquitto, probe_factory, tmp_path, monkeypatch
):
    # The kiosk retries at once, the worker after 2 s: the order a crash leaves them in half the time.
    monkeypatch.setattr("kiosk.jobs.client.MqttLink", functools.partial(MqttLink, reconnect_max_s=0.2))
    monkeypatch.setattr(
        "gpu_worker.service.MqttLink", functools.partial(MqttLink, reconnect_min_s=2.0, reconnect_max_s=2.0)
    )
    worker = WorkerService(WorkerConfig(broker=mosquitto.url, worker_id="w1"))
    worker.start()
    client = JobClient(BrokerUrl.parse(mosquitto.url), "k1", tmp_path / "outbox.sqlite")
    try:
        wait_worker_online(probe_factory, "w1")
        client.start()
        assert client.wait_connected(10)
        # A round trip: the retained worker status, sent on subscribing, has arrived before its events.
        client.wait(client.submit(make_job(num_images=1)), timeout=15)
        assert client.workers_online() == ["w1"]

        mosquitto.process.kill()  # a crash: no persistence saved, no Last Will sent
        mosquitto.process.wait()
        handle = client.submit(make_job(num_images=2))
        mosquitto.start()

        client.wait(handle, timeout=8)  # the worker is back within 2 s; the job takes a fraction of one
        assert handle.state is JobState.DONE and sorted(handle.images) == [0, 1]
    finally:
        client.stop()
        worker.stop()

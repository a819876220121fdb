"""A kiosk withdraws a job it sent: the app moves on at once and the worker lets it go."""

from __future__ import annotations

import pytest

from gpu_worker.config import WorkerConfig
from gpu_worker.service import WorkerService
from kiosk.jobs.client import JobFailedError
from kiosk.jobs.handle import JobState
from shared.protocol import JobCancel, JobFailed, topics
from testkit.jobs import GatedBackend, make_job
from testkit.mosquitto import free_port
from tests.gpu_worker.test_service import barrier
from tests.kiosk.jobs.test_client import clients, wait_worker_online  # noqa: F401  (clients: fixture)


def test_cancel_ends_the_job_here_and_stops_it_on_the_worker(
    mosquitto,
    clients,  # noqa: F811
    probe_factory,
):
    gated = GatedBackend()
    worker = WorkerService(WorkerConfig(broker=mosquitto.url, worker_id="w1"), backends={"gated": gated})
    worker.start()
    try:
        _cancel_mid_job(mosquitto, clients, probe_factory, gated)
    finally:
        gated.gate.set()
        worker.stop()


def _cancel_mid_job(mosquitto, clients, probe_factory, gated: GatedBackend) -> None:  # noqa: F811
    events = probe_factory(topics.kiosk_events_filter("k1"), topics.ALL_CANCELS_FILTER)
    seen = []
    client = clients(mosquitto.url, on_event=lambda handle, event: seen.append(event))
    assert client.wait_connected(10)
    wait_worker_online(probe_factory, "w1")
    handle = client.submit(make_job(backend="gated", num_images=3))
    assert gated.first_image_out.wait(20)

    assert client.cancel(handle.job_id)
    assert handle.state is JobState.FAILED and handle.failure.code == "cancelled"
    assert isinstance(seen[-1], JobFailed) and seen[-1].code == "cancelled", "the app hears of it"
    assert client.outbox_depth() == 0
    with pytest.raises(JobFailedError, match="cancelled"):
        client.wait(handle, timeout=1)

    # Open the gate only once the worker has read the cancel: the broker has passed the cancel on
    # when the probe sees it, and the worker reads it before a bad job sent after that.
    events.expect(lambda seen: isinstance(seen.message, JobCancel) and seen.message.job_id == handle.job_id)
    barrier(events, backend="gated")
    gated.gate.set()
    failed = events.expect(
        lambda seen: (
            isinstance(seen.message, JobFailed)
            and seen.message.job_id == handle.job_id
            and seen.message.worker_id == "w1"
        )
    )
    assert failed.message.code == "cancelled"
    assert not client.cancel(handle.job_id), "a finished job cannot be cancelled twice"


def test_cancel_without_a_broker_takes_the_job_out_of_the_outbox(clients):  # noqa: F811
    client = clients(f"mqtt://127.0.0.1:{free_port()}")
    handle = client.submit(make_job())
    assert client.outbox_depth() == 1
    assert client.cancel(handle.job_id)
    assert client.outbox_depth() == 0 and handle.failure.code == "cancelled"


def test_cancel_of_an_unknown_job_says_so(clients):  # noqa: F811
    client = clients(f"mqtt://127.0.0.1:{free_port()}")
    assert not client.cancel("no-such-job")

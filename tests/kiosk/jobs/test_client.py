"""The kiosk's job client against a real mosquitto and real workers."""

from __future__ import annotations

from collections import Counter

import pytest

from gpu_worker.config import WorkerConfig
from gpu_worker.service import WorkerService
from kiosk.jobs.client import JobClient, JobFailedError, JobTimeout
from kiosk.jobs.handle import JobState
from kiosk.jobs.outbox import Outbox
from kiosk.jobs.resend import Backoff
from shared.mqtt import BrokerUrl
from shared.presets import Preset
from shared.protocol import JobFailed, JobImage, WorkerStatus, encode, topics
from testkit.jobs import GatedBackend, make_job
from testkit.mosquitto import free_port


@pytest.fixture
def clients(tmp_path):
    started: list[JobClient] = []

    def make(url: str, kiosk_id: str = "k1", outbox: str = "outbox.sqlite", **kwargs) -> JobClient:
        client = JobClient(BrokerUrl.parse(url), kiosk_id, tmp_path / outbox, **kwargs)
        client.start()
        started.append(client)
        return client

    yield make
    for client in started:
        client.stop()


@pytest.fixture
def workers():
    started: list[WorkerService] = []

    def make(url: str, worker_id: str = "w1") -> WorkerService:
        service = WorkerService(WorkerConfig(broker=url, worker_id=worker_id))
        service.start()
        started.append(service)
        return service

    yield make
    for service in started:
        service.stop()


def wait_worker_online(probe_factory, worker_id: str) -> None:
    probe = probe_factory(topics.worker_status(worker_id))
    probe.expect(lambda seen: isinstance(seen.message, WorkerStatus) and seen.message.state == "online")


def test_round_trip(mosquitto, clients, workers, probe_factory):
    workers(mosquitto.url)
    wait_worker_online(probe_factory, "w1")
    client = clients(mosquitto.url)
    assert client.wait_connected(10)

    handle = client.wait(client.submit(make_job()), timeout=30)
    assert handle.state is JobState.DONE and handle.worker_id == "w1"
    assert [image.index for image in handle.sorted_images()] == [0, 1, 2, 3]
    assert client.outbox_depth() == 0


def test_failure_carries_the_workers_reason(mosquitto, clients, workers, probe_factory):
    workers(mosquitto.url)
    wait_worker_online(probe_factory, "w1")
    client = clients(mosquitto.url)
    assert client.wait_connected(10)
    with pytest.raises(JobFailedError, match="rotten") as failure:
        client.wait(client.submit(make_job(preset=Preset.ROTTEN)), timeout=30)
    assert failure.value.code == "unsupported_preset"
    assert client.outbox_depth() == 0


def test_a_job_for_a_backend_nobody_serves_waits_and_says_what_for(
    mosquitto, clients, workers, probe_factory
):
    """A classic worker is online; the inpaint job is not refused by it (it never reaches it): it waits."""
    workers(mosquitto.url)
    wait_worker_online(probe_factory, "w1")
    client = clients(mosquitto.url)
    assert client.wait_connected(10)
    assert client.wait_for_workers(timeout=20, backend="classic") == ["w1"]
    handle = client.submit(make_job(backend="inpaint"))
    with pytest.raises(JobTimeout, match=r"no online worker runs inpaint .*online: w1"):
        client.wait(handle, timeout=0.5)
    assert handle.state is JobState.QUEUED and handle.failure is None
    assert client.waiting_for_backend(handle) == "inpaint"
    assert client.outbox_depth() == 1
    classic = client.submit(make_job(backend="classic"))
    assert client.waiting_for_backend(classic) is None, "w1 runs classic: the job waits for no backend"
    client.wait(classic, timeout=30)
    assert client.waiting_for_backend(classic) is None, "a finished job waits for nothing"
    assert handle.state is JobState.QUEUED and client.outbox_depth() == 1


def test_job_waits_for_a_worker_and_goes_out_when_one_comes(mosquitto, clients, workers):
    client = clients(mosquitto.url)
    assert client.wait_connected(10)
    handle = client.submit(make_job())
    with pytest.raises(JobTimeout, match="no worker is online"):
        client.wait(handle, timeout=0.5)
    assert client.outbox_depth() == 1

    workers(mosquitto.url)
    client.wait(handle, timeout=30)
    assert len(handle.images) == 4


def test_a_worker_coming_online_draws_only_the_waiting_jobs_of_its_backends(mosquitto, clients, workers):
    """Jobs for other backends would reach no new reader: they stay put until their own worker comes."""
    offline = clients(f"mqtt://127.0.0.1:{free_port()}")
    inpaint, classic = make_job(backend="inpaint"), make_job(backend="classic")
    offline.submit(inpaint)
    offline.submit(classic)
    offline.stop()
    # Restored from the outbox, both go out once when the link comes up: the link's thread runs that
    # drain to its end before it handles any worker status.
    client = clients(mosquitto.url)
    assert client.wait_connected(10)
    workers(mosquitto.url)  # serves classic only
    client.wait(client.handle(classic.job_id), timeout=30)
    assert client.stats["sent_from_outbox"] == 2 + 1, "on connect both, on the worker's arrival classic only"
    assert (
        client.waiting_for_backend(client.handle(inpaint.job_id)) == "inpaint" and client.outbox_depth() == 1
    )


def test_outbox_rows_of_an_older_wire_version_are_dropped_with_a_warning(clients, tmp_path, caplog):
    """A v1 kiosk's stored job could never reach a v2 worker: dropped at start, the kiosk keeps going."""
    kept, old = make_job(), make_job()
    outbox = Outbox(tmp_path / "outbox.sqlite")
    outbox.add("k1", kept.job_id, topics.job("k1", "classic", kept.job_id), encode(kept), kept.deadline)
    v1_frame = bytearray(encode(old))
    v1_frame[2] = 1  # the frame's version byte
    outbox.add("k1", old.job_id, f"teachbooth/v1/kiosk/k1/jobs/{old.job_id}", bytes(v1_frame), old.deadline)
    outbox.close()

    client = clients(f"mqtt://127.0.0.1:{free_port()}")
    assert client.stats["unreadable_outbox_rows"] == 1
    assert client.handle(old.job_id) is None and client.handle(kept.job_id) is not None
    assert client.outbox_depth() == 1
    assert f"dropped job {old.job_id} from the outbox: frame version 1" in caplog.text


def test_timeout_explains_an_unreachable_broker(clients):
    client = clients(f"mqtt://127.0.0.1:{free_port()}")
    handle = client.submit(make_job())
    with pytest.raises(JobTimeout, match="could not reach the broker"):
        client.wait(handle, timeout=0.5)
    assert client.outbox_depth() == 1


def test_outbox_survives_a_restart_and_drains_after_the_broker_returns(mosquitto, clients, workers, tmp_path):
    first = clients(mosquitto.url)
    assert first.wait_connected(10)
    job = make_job()
    first.submit(job)
    first.stop()
    mosquitto.stop()

    second = clients(mosquitto.url)
    restored = second.handle(job.job_id)
    assert restored is not None and restored.state is JobState.QUEUED
    assert second.outbox_depth() == 1

    mosquitto.start()
    worker = workers(mosquitto.url)
    second.wait(restored, timeout=60)
    assert sorted(restored.images) == [0, 1, 2, 3]
    assert second.outbox_depth() == 0
    assert worker.stats["accepted"] == 1


def test_jobs_past_their_deadline_leave_the_outbox(clients, mosquitto):
    client = clients(f"mqtt://127.0.0.1:{free_port()}")
    handle = client.submit(make_job(deadline_in=-1))
    client.stop()

    again = clients(mosquitto.url)
    assert again.wait_connected(10)
    restored = again.handle(handle.job_id)
    assert restored.wait(10)
    assert restored.failure.code == "expired"
    assert again.outbox_depth() == 0


def test_resending_a_finished_job_delivers_no_second_set(mosquitto, clients, workers, probe_factory):
    workers(mosquitto.url)
    wait_worker_online(probe_factory, "w1")
    delivered: Counter[tuple[str, int]] = Counter()
    client = clients(
        mosquitto.url,
        on_event=lambda handle, event: (
            isinstance(event, JobImage) and delivered.update([(handle.job_id, event.index)])
        ),
    )
    assert client.wait_connected(10)
    job = make_job()
    client.wait(client.submit(job), timeout=30)

    client.submit(job)  # as after a reconnect: the worker replays its stored result
    later = make_job(num_images=1)
    client.wait(client.submit(later), timeout=30)  # the worker answers in order: the replay came first

    assert delivered == {(job.job_id, i): 1 for i in range(4)} | {(later.job_id, 0): 1}
    assert client.stats["duplicate_events"] == 5  # four images and `done` replayed, all dropped


def test_rejects_a_job_for_another_kiosk(mosquitto, clients):
    client = clients(mosquitto.url, kiosk_id="k1")
    with pytest.raises(ValueError, match="k2"):
        client.submit(make_job(kiosk_id="k2"))


def test_kiosk_status_is_retained_with_a_last_will(mosquitto, clients, probe_factory):
    client = clients(mosquitto.url, kiosk_id="k-status")
    assert client.wait_connected(10)
    probe = probe_factory(topics.kiosk_status("k-status"))
    probe.expect(lambda seen: seen.message.state == "online")
    client.stop()
    probe.expect(lambda seen: seen.message.state == "offline")
    late = probe_factory(topics.kiosk_status("k-status"))
    seen = late.expect(lambda seen: seen.message is not None)
    assert seen.retain and seen.message.state == "offline"


def test_finished_handles_are_forgotten_so_memory_stays_flat(
    mosquitto, clients, workers, probe_factory, monkeypatch
):
    monkeypatch.setattr("kiosk.jobs.client.KEEP_FINISHED_HANDLES", 1)
    workers(mosquitto.url)
    wait_worker_online(probe_factory, "w1")
    client = clients(mosquitto.url)
    assert client.wait_connected(10)
    first, second, third = (make_job(num_images=1) for _ in range(3))
    client.wait(client.submit(first), timeout=30)
    client.wait(client.submit(second), timeout=30)
    client.submit(third)  # submitting prunes all but the newest finished handle
    assert client.handle(first.job_id) is None
    assert client.handle(second.job_id) is not None
    client.wait(client.handle(third.job_id), timeout=30)


def test_a_job_refused_as_busy_is_sent_again_and_completes(mosquitto, clients, probe_factory):
    """A full queue says nothing against the job: the kiosk waits a little and sends it again."""
    gated = GatedBackend()
    worker = WorkerService(
        WorkerConfig(broker=mosquitto.url, worker_id="w1", queue_limit=1), backends={"gated": gated}
    )
    worker.start()
    try:
        wait_worker_online(probe_factory, "w1")
        client = clients(mosquitto.url, busy_backoff=Backoff(base_s=0.05, cap_s=0.2))
        assert client.wait_connected(10)
        handles = {
            h.job_id: h for h in (client.submit(make_job(backend="gated", num_images=1)) for _ in range(3))
        }
        assert gated.first_image_out.wait(20)
        events = probe_factory(topics.kiosk_events_filter("k1"))
        # Which of the three the worker refuses depends on the order they reach its queue.
        busy = events.expect(lambda seen: isinstance(seen.message, JobFailed) and seen.message.code == "busy")
        refused = handles[busy.message.job_id]
        assert refused.state is JobState.QUEUED and client.outbox_depth() >= 1, "kept, not failed"
        gated.gate.set()
        for handle in handles.values():
            assert client.wait(handle, timeout=30).state is JobState.DONE
        assert client.stats["busy_retries"] >= 1 and client.outbox_depth() == 0
    finally:
        gated.gate.set()
        worker.stop()


def test_a_job_whose_worker_vanished_goes_to_the_next_worker_that_comes(mosquitto, clients, probe_factory):
    """No one hears the resend when the worker dies; the job must still go to the next worker."""
    gated = GatedBackend()
    first = WorkerService(WorkerConfig(broker=mosquitto.url, worker_id="w1"), backends={"gated": gated})
    first.start()
    wait_worker_online(probe_factory, "w1")
    client = clients(mosquitto.url)
    assert client.wait_connected(10)
    handle = client.submit(make_job(backend="gated", num_images=2))
    assert gated.first_image_out.wait(20)
    first.stop(timeout_s=0.1)  # the retained `offline` goes out; its runner stays stuck at the gate
    statuses = probe_factory(topics.worker_status("w1"))
    statuses.expect(lambda seen: isinstance(seen.message, WorkerStatus) and seen.message.state == "offline")

    second = WorkerService(
        WorkerConfig(broker=mosquitto.url, worker_id="w2"), backends={"gated": GatedBackend()}
    )
    second.start()
    try:
        second._backends["gated"].gate.set()
        assert client.wait(handle, timeout=30).worker_id == "w2"
        assert sorted(handle.images) == [0, 1] and client.outbox_depth() == 0
        # w2 said `online` before it took the job, and one publisher's messages arrive in order.
        assert client.workers_offering("gated") == ["w2"] and client.workers_offering("classic") == []
    finally:
        gated.gate.set()
        second.stop()


def test_waiting_for_a_worker_that_serves_a_backend(mosquitto, clients, workers):
    client = clients(mosquitto.url)
    assert client.wait_connected(10)
    assert client.wait_for_workers(timeout=0.1) == [], "nobody is online yet: the wait times out"
    workers(mosquitto.url)
    assert client.wait_for_workers(timeout=20, backend="classic") == ["w1"]
    assert client.wait_for_workers(timeout=0.1, backend="inpaint") == []

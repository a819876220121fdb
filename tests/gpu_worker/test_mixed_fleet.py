"""A fleet whose workers serve different backends: every job reaches a worker that can run it.

Real parts end to end: a real mosquitto (or the kiosk's embedded MQTT 3.1.1 broker), real
`WorkerService`s each serving one backend (the tiny inpaint, instruct and img2img pipelines at
64 px, and the CPU `classic` engine), real `JobClient`s each with its own durable outbox, and for
the crash a real `teachbooth worker` process killed with SIGKILL. Before wire v2 every worker sat
in one shared group and a job went to whichever worker was next: half the jobs of an
inpaint-plus-instruct fleet failed with "this worker runs inpaint, not 'instruct'" (issue 12).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from gpu_worker.config import WorkerConfig
from gpu_worker.diffusion.settings import DiffusionModelSettings, Img2ImgSettings
from gpu_worker.service import WorkerService
from kiosk.jobs.client import JobClient, JobTimeout
from kiosk.jobs.handle import JobHandle, JobState
from shared.protocol import GenerationJob, JobEvent, JobImage, JobProgress, topics
from testkit.embedded_broker import embedded_url  # noqa: F401  (a fixture)
from testkit.jobs import make_job
from testkit.probe import Probe
from testkit.worker_process import WorkerProcess
from tests.gpu_worker.backends.generation import WORKING_SIZE
from tests.kiosk.jobs.test_client import clients  # noqa: F401  (a fixture)

log = logging.getLogger(__name__)

BACKENDS = ("inpaint", "instruct", "img2img", "classic")
KIOSKS = ("kA", "kB", "kC")
JOB_TIMEOUT_S = 180.0
"""Generous: the whole fleet shares this machine's two cores; a healthy run needs a fraction of it."""


def worker_config(url: str, backend: str, worker_id: str, pipelines) -> WorkerConfig:
    """A worker serving `backend` only, as `teachbooth worker --backend NAME` would, at test size."""
    models: dict[str, DiffusionModelSettings] = {}
    if backend == "img2img":
        models[backend] = Img2ImgSettings(
            model=str(pipelines[backend]), device="cpu", few_step=True, longest_side=WORKING_SIZE
        )
    elif backend != "classic":
        models[backend] = DiffusionModelSettings(
            model=str(pipelines[backend]), device="cpu", longest_side=WORKING_SIZE
        )
    return WorkerConfig(
        broker=url, worker_id=worker_id, backends=(backend,), working_size=WORKING_SIZE, **models
    )


@pytest.fixture
def fleet(tiny_pipelines) -> Iterator[Callable[..., WorkerService]]:
    """Start one-backend workers on any broker; stopped at the end of the test."""
    started: list[WorkerService] = []

    def start(url: str, backend: str, worker_id: str | None = None) -> WorkerService:
        service = WorkerService(worker_config(url, backend, worker_id or f"w-{backend}", tiny_pipelines))
        service.start()
        started.append(service)
        return service

    yield start
    for service in started:
        service.stop()


class Deliveries:
    """What the kiosks handed to the app: images per (job, index) and who made them."""

    def __init__(self) -> None:
        self.images: Counter[tuple[str, int]] = Counter()
        self.made_by: dict[tuple[str, int], tuple[str, str]] = {}
        """(job, index) -> (worker id, the recipe's backend)."""
        self.progress_from: dict[str, set[str]] = {}
        self._lock = threading.Lock()
        self.progressed = threading.Condition(self._lock)

    def on_event(self, handle: JobHandle, event: JobEvent) -> None:
        with self._lock:
            if isinstance(event, JobImage):
                key = (handle.job_id, event.index)
                self.images[key] += 1
                self.made_by[key] = (event.worker_id, event.recipe.backend)
            elif isinstance(event, JobProgress):
                self.progress_from.setdefault(handle.job_id, set()).add(event.worker_id)
                self.progressed.notify_all()


@dataclass
class Kiosks:
    """Three kiosks, each a real `JobClient` with its own outbox, all seeing the same deliveries."""

    clients: dict[str, JobClient]
    deliveries: Deliveries

    def submit(self, job: GenerationJob) -> JobHandle:
        return self.clients[job.kiosk_id].submit(job)

    def client_of(self, handle: JobHandle) -> JobClient:
        return self.clients[handle.kiosk_id]


@pytest.fixture
def kiosks(clients) -> Callable[..., Kiosks]:  # noqa: F811
    """Kiosks (`JobClient`s, each with its own outbox) on one broker, reporting to one `Deliveries`."""

    def make(url: str, kiosk_ids: tuple[str, ...] = KIOSKS) -> Kiosks:
        deliveries = Deliveries()
        made = {
            kiosk_id: clients(url, kiosk_id, f"{kiosk_id}.sqlite", on_event=deliveries.on_event)
            for kiosk_id in kiosk_ids
        }
        return Kiosks(made, deliveries)

    return make


def mixed_jobs(count: int, kiosk_ids: tuple[str, ...] = KIOSKS) -> list[GenerationJob]:
    """`count` one-image jobs cycling through the backends and kiosks (every pairing occurs)."""
    return [
        make_job(
            kiosk_ids[n % len(kiosk_ids)],
            f"job-{n:02d}-{BACKENDS[n % len(BACKENDS)]}",
            backend=BACKENDS[n % len(BACKENDS)],
            num_images=1,
            seed=n,
            deadline_in=600,
        )
        for n in range(count)
    ]


def raw_images(probe: Probe) -> Counter[tuple[str, int]]:
    """Image messages on the wire per (job, index), before any kiosk's de-duplication."""
    return Counter(
        (seen.message.job_id, seen.message.index)
        for seen in probe.drain()
        if isinstance(seen.message, JobImage)
    )


def test_a_mixed_fleet_runs_every_job_on_a_worker_that_serves_its_backend(
    mosquitto, fleet, kiosks, probe_factory
):
    wire = probe_factory(topics.kiosk_events_filter("+"))
    workers = {backend: fleet(mosquitto.url, backend) for backend in BACKENDS}
    group = kiosks(mosquitto.url)
    for client in group.clients.values():
        assert client.wait_for_workers(timeout=60, count=len(BACKENDS)) == sorted(
            f"w-{backend}" for backend in BACKENDS
        )
    jobs = mixed_jobs(48)

    started = time.monotonic()
    handles = [group.submit(job) for job in jobs]
    for handle in handles:
        group.client_of(handle).wait(handle, timeout=JOB_TIMEOUT_S)
    wall_s = time.monotonic() - started

    failed = [handle.job_id for handle in handles if handle.state is JobState.FAILED]
    lost = [handle.job_id for handle in handles if not handle.finished]
    assert failed == [] and lost == []
    for job, handle in zip(jobs, handles, strict=True):
        assert handle.state is JobState.DONE
        assert handle.worker_id == f"w-{job.backend}", "taken by the worker that serves its backend"
        assert group.deliveries.made_by[(job.job_id, 0)] == (f"w-{job.backend}", job.backend)
    assert set(group.deliveries.images) == {(job.job_id, 0) for job in jobs}
    app_duplicates = sum(count - 1 for count in group.deliveries.images.values())
    assert app_duplicates == 0
    wire.expect(lambda _seen: sum(raw_images(wire).values()) >= len(jobs))
    assert raw_images(wire) == {(job.job_id, 0): 1 for job in jobs}, "each job made once, by one worker"
    per_backend = Counter(job.backend for job in jobs)
    for backend, worker in workers.items():
        assert worker.stats["accepted"] == worker.stats["done"] == per_backend[backend]
        assert not [key for key in worker.stats if key.startswith("failed")], worker.stats
        assert worker.stats["duplicates"] == worker.stats["replayed"] == 0
    for client in group.clients.values():
        assert client.outbox_depth() == 0
    log.info(
        "mixed fleet: %d jobs (%s) from %d kiosks on %d one-backend workers in %.1f s: "
        "%d failed, %d lost, %d duplicated",
        len(jobs),
        dict(per_backend),
        len(group.clients),
        len(workers),
        wall_s,
        len(failed),
        len(lost),
        app_duplicates,
    )


def test_a_job_for_a_backend_nobody_serves_waits_and_runs_once_a_worker_serves_it(mosquitto, fleet, kiosks):
    bystanders = [fleet(mosquitto.url, "classic"), fleet(mosquitto.url, "inpaint")]
    client = kiosks(mosquitto.url, ("kA",)).clients["kA"]
    assert client.wait_for_workers(timeout=60, count=2) == ["w-classic", "w-inpaint"]
    waiting = client.submit(make_job("kA", backend="img2img", num_images=2, deadline_in=600))
    assert client.waiting_for_backend(waiting) == "img2img"
    # Jobs the online workers serve go through meanwhile; the broker forwards one kiosk's jobs in
    # order, so once these are done the img2img job has been published for a while.
    for backend in ("classic", "inpaint"):
        client.wait(client.submit(make_job("kA", backend=backend, num_images=1)), timeout=JOB_TIMEOUT_S)
    with pytest.raises(JobTimeout, match="no online worker runs img2img"):
        client.wait(waiting, timeout=0.2)
    assert waiting.state is JobState.QUEUED and waiting.failure is None and waiting.events == []
    assert client.outbox_depth() == 1
    for worker in bystanders:
        assert worker.stats["accepted"] == worker.stats["done"] == 1, "their own job, not the img2img one"
        assert not [key for key in worker.stats if key.startswith("failed")], worker.stats

    fleet(mosquitto.url, "img2img")
    client.wait(waiting, timeout=JOB_TIMEOUT_S)
    assert waiting.state is JobState.DONE and waiting.worker_id == "w-img2img"
    assert sorted(waiting.images) == [0, 1]
    assert {image.recipe.backend for image in waiting.images.values()} == {"img2img"}
    assert client.waiting_for_backend(waiting) is None
    assert client.outbox_depth() == 0


def test_a_killed_worker_s_job_is_redone_by_another_worker_of_its_backend(
    mosquitto, fleet, kiosks, tiny_pipelines, tmp_path
):
    """The doomed worker is a real `teachbooth worker` process running the tiny instruct pipeline at
    512 px (seconds per job on a CPU), so its job is provably mid-flight when it is killed; the
    survivor serves instruct at 64 px. Workers of the other backends are online all along and must
    never see the job, neither first nor when the kiosk sends it again."""
    bystanders = [fleet(mosquitto.url, "classic"), fleet(mosquitto.url, "inpaint")]
    doomed = WorkerProcess(
        mosquitto.url,
        "doomed",
        tmp_path / "doomed.log",
        ("--backend", "instruct", "--instruct-model", str(tiny_pipelines["instruct"])),
    )
    doomed.start()
    try:
        group = kiosks(mosquitto.url, ("kA",))
        client = group.clients["kA"]
        assert client.wait_for_workers(timeout=90, backend="instruct") == ["doomed"], doomed.log_tail()
        assert client.wait_for_workers(timeout=30, count=3) == ["doomed", "w-classic", "w-inpaint"]
        job = make_job("kA", backend="instruct", num_images=2, deadline_in=600)
        handle = client.submit(job)
        deliveries = group.deliveries
        with deliveries.progressed:
            assert deliveries.progressed.wait_for(
                lambda: "doomed" in deliveries.progress_from.get(job.job_id, ()), timeout=90
            ), doomed.log_tail()
        assert handle.state is JobState.ACCEPTED and handle.worker_id == "doomed"

        survivor = fleet(mosquitto.url, "instruct", "survivor")
        assert client.wait_for_workers(timeout=60, count=2, backend="instruct") == ["doomed", "survivor"]
        step, total = handle.progress
        doomed.kill()
        assert step < total, "the kill must land mid-job for this test to mean anything"

        client.wait(handle, timeout=JOB_TIMEOUT_S)
        assert handle.state is JobState.DONE and handle.worker_id == "survivor"
        assert {deliveries.made_by[(job.job_id, index)] for index in (0, 1)} == {("survivor", "instruct")}
        assert deliveries.images == {(job.job_id, 0): 1, (job.job_id, 1): 1}
        assert client.stats["resent_after_worker_loss"] == 1
        assert survivor.stats["accepted"] == survivor.stats["done"] == 1
        for worker in bystanders:
            assert worker.stats["accepted"] == 0 and worker.stats["unroutable"] == 0
            assert not [key for key in worker.stats if key.startswith("failed")], worker.stats
        assert client.outbox_depth() == 0
    finally:
        doomed.kill()


def test_a_mixed_fleet_on_an_mqtt_311_broker_routes_by_plain_per_backend_filters(
    embedded_url,  # noqa: F811
    fleet,
    kiosks,
):
    """The embedded demo broker has no shared subscriptions: each worker subscribes to its own
    backends' plain filters, so it still sees only jobs it can run."""
    workers = {backend: fleet(embedded_url, backend) for backend in BACKENDS}
    group = kiosks(embedded_url, ("kA", "kB"))
    for client in group.clients.values():
        assert len(client.wait_for_workers(timeout=60, count=len(BACKENDS))) == len(BACKENDS)
    jobs = mixed_jobs(8, ("kA", "kB"))
    handles = [group.submit(job) for job in jobs]
    for handle in handles:
        group.client_of(handle).wait(handle, timeout=JOB_TIMEOUT_S)
    for job, handle in zip(jobs, handles, strict=True):
        assert handle.state is JobState.DONE and handle.worker_id == f"w-{job.backend}"
        assert group.deliveries.made_by[(job.job_id, 0)] == (f"w-{job.backend}", job.backend)
    assert group.deliveries.images == {(job.job_id, 0): 1 for job in jobs}
    for worker in workers.values():
        assert worker.stats["accepted"] == worker.stats["done"] == 2
        assert not [key for key in worker.stats if key.startswith("failed")], worker.stats

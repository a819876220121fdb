"""A worker process killed (SIGKILL) in the middle of a many-step job while a second worker is online.

docs/architecture.md#delivery: "A worker killed mid-job: the job is redone by another worker or on retry, and
the kiosk receives exactly one set of images." The doomed worker is a real `teachbooth worker`
process serving the tiny img2img pipeline with its 20 guided denoising steps at 512 px (seconds
of work on a CPU), so the job is provably mid-flight when the test sees its first progress event
and kills the process. The survivor is a `WorkerService` in the test process serving the same
pipeline at 64 px, so the redone job is quick.
"""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import pytest

from gpu_worker.config import WorkerConfig
from gpu_worker.diffusion.settings import Img2ImgSettings
from gpu_worker.service import WorkerService
from kiosk.jobs.client import JobClient
from kiosk.jobs.handle import JobHandle, JobState
from shared.mqtt import BrokerUrl
from shared.protocol import JobEvent, JobImage, JobProgress, WorkerStatus, topics
from testkit.jobs import make_job
from testkit.probe import Seen
from testkit.worker_process import WorkerProcess
from tools.make_tiny_pipelines import make_tiny_pipelines

REDO_TIMEOUT_S = 15.0
"""The survivor needs about a second for the job; the rest is slack for a loaded machine."""


@pytest.fixture(scope="module")
def tiny_img2img(tmp_path_factory) -> Path:
    return make_tiny_pipelines(tmp_path_factory.mktemp("tiny"), ["img2img"])["img2img"]


def worker_is(worker_id: str, state: str):
    def matches(seen: Seen) -> bool:
        message = seen.message
        return isinstance(message, WorkerStatus) and message.worker_id == worker_id and message.state == state

    return matches


def test_the_other_worker_redoes_a_job_whose_worker_was_killed_and_one_set_arrives(
    mosquitto, probe_factory, tmp_path, tiny_img2img
):
    statuses = probe_factory(topics.WORKER_STATUS_FILTER)
    doomed = WorkerProcess(
        mosquitto.url,
        "doomed",
        tmp_path / "doomed.log",
        ("--backend", "img2img", "--img2img-model", str(tiny_img2img)),
    )
    doomed.start()
    survivor: WorkerService | None = None
    client: JobClient | None = None
    try:
        statuses.expect(worker_is("doomed", "online"), timeout=60)

        delivered: Counter[tuple[int, str]] = Counter()
        doomed_is_mid_job = threading.Event()

        def on_event(_handle: JobHandle, event: JobEvent) -> None:
            if isinstance(event, JobImage):
                delivered[(event.index, event.worker_id)] += 1
            elif isinstance(event, JobProgress) and event.worker_id == "doomed":
                doomed_is_mid_job.set()

        url = BrokerUrl.parse(mosquitto.url)
        client = JobClient(url, "k1", tmp_path / "outbox.sqlite", on_event=on_event)
        client.start()
        assert client.wait_connected(10)
        job = make_job(backend="img2img", num_images=2, change=0.5)
        handle = client.submit(job)
        assert doomed_is_mid_job.wait(60), doomed.log_tail()
        assert handle.state is JobState.ACCEPTED and handle.worker_id == "doomed"

        survivor = WorkerService(
            WorkerConfig(
                broker=mosquitto.url,
                worker_id="survivor",
                backends=("img2img",),
                img2img=Img2ImgSettings(model=str(tiny_img2img), device="cpu", longest_side=64),
            )
        )
        survivor.start()
        statuses.expect(worker_is("survivor", "online"))
        step, total = handle.progress
        doomed.kill()
        statuses.expect(worker_is("doomed", "offline"))  # its Last Will
        assert step < total, "the kill must land mid-job for this test to mean anything"

        client.wait(handle, timeout=REDO_TIMEOUT_S)
        assert handle.state is JobState.DONE
        assert sorted(handle.images) == [0, 1]
        assert delivered == {(0, "survivor"): 1, (1, "survivor"): 1}
        assert client.outbox_depth() == 0
        assert survivor.stats["done"] == 1
    finally:
        if client is not None:
            client.stop()
        if survivor is not None:
            survivor.stop()
        doomed.kill()

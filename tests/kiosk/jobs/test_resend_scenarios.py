"""The job client's resends through a real mosquitto, on a clock the test moves: a worker that keeps
answering `busy`, a job nobody answers, and a client stopped with a resend pending."""

from __future__ import annotations

import itertools
import random
import statistics
import time
from collections.abc import Callable

import pytest

from gpu_worker.config import WorkerConfig
from gpu_worker.service import WorkerService
from kiosk.jobs.client import JobClient
from kiosk.jobs.handle import JobState
from shared.mqtt import BrokerUrl
from shared.protocol import GenerationJob, WorkerStatus, encode, topics
from testkit.jobs import GatedBackend, make_job
from tests.kiosk.jobs.clock import HighestDraw, ManualClock

BUSY_FOR_S = 421.0
"""As long as the saturated fleet of the review (issue 14) stayed busy."""


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def client(tmp_path, mosquitto, clock, request):
    """A connected client on the test's clock; its dice are `random.Random(14)` unless the test
    passes others (indirect parametrisation)."""
    made = JobClient(
        BrokerUrl.parse(mosquitto.url),
        "k1",
        tmp_path / "outbox.sqlite",
        schedule=clock,
        rng=getattr(request, "param", None) or random.Random(14),
    )
    made.start()
    assert made.wait_connected(10)
    yield made
    made.stop()


@pytest.fixture
def one_place_worker(mosquitto):
    """A worker whose queue holds one job, running jobs that stop at a gate until the test opens it."""
    gated = GatedBackend()
    worker = WorkerService(
        WorkerConfig(broker=mosquitto.url, worker_id="w1", queue_limit=1), backends={"gated": gated}
    )
    worker.start()
    yield worker, gated
    gated.gate.set()
    worker.stop()


def test_a_worker_that_stays_busy_gets_the_job_again_after_longer_pauses(client, clock, one_place_worker):
    worker, gated = one_place_worker
    assert client.wait_for_workers(20, backend="gated") == ["w1"]
    running = client.submit(make_job(backend="gated", num_images=1))
    assert gated.first_image_out.wait(20)
    waiting = client.submit(make_job(backend="gated", num_images=1))  # the one place in the queue
    _until_news(client, lambda: waiting.state is JobState.ACCEPTED)
    refused = client.submit(make_job(backend="gated", num_images=1))
    clock.wait_scheduled(4)  # a no-answer timer as each job went out, then the busy answer's pause

    resent_at = []
    while clock.pending()[0].due <= BUSY_FOR_S:
        scheduled = len(clock.timers)
        clock.fire_next()  # the pause ends: the job goes out again ...
        resent_at.append(clock.now)
        clock.wait_scheduled(scheduled + 2)  # ... arming a no-answer timer, then the next busy pause

    gaps = [later - earlier for earlier, later in itertools.pairwise(resent_at)]
    assert client.stats["resent_untaken"] == len(resent_at) == worker.stats["failed_busy"] - 1
    assert all(gap <= 30.0 for gap in gaps), "never longer than the cap"
    assert statistics.mean(gaps[:4]) < 4 and statistics.mean(gaps[-10:]) > 10, "the pauses grow"
    assert len({round(gap, 6) for gap in gaps[-10:]}) == 10, "jittered, not a fixed period"
    # The fixed pause of 2 to 3 s before resent the job 140 to 210 times in those 421 s.
    assert 15 <= len(resent_at) <= 45

    gated.gate.set()
    for handle in (running, waiting):
        assert client.wait(handle, timeout=30).state is JobState.DONE
    clock.fire_next()  # the queue has room now: this resend is taken
    assert client.wait(refused, timeout=30).state is JobState.DONE
    assert clock.pending() == [] and client.outbox_depth() == 0


def _announce(probe, worker_id: str, state: str) -> None:
    """A worker status for the kiosk to read: a worker serving classic that never reads its jobs."""
    status = WorkerStatus(worker_id=worker_id, state=state, backends=["classic"], version="test")
    probe.publish(topics.worker_status(worker_id), encode(status), retain=True)


def _copies_of(probe, job: GenerationJob, count: int) -> None:
    """Wait until the broker has passed on `count` copies of the job in all."""
    seen = itertools.count(1)

    def is_copy(message) -> bool:
        return isinstance(message, GenerationJob) and message.job_id == job.job_id and next(seen) == count

    probe.expect(lambda s: is_copy(s.message))


def _until_news(client: JobClient, condition: Callable[[], bool], timeout: float = 20.0) -> None:
    """Wait on the client's news (raised for every worker status it reads) until `condition()` holds."""
    deadline = time.monotonic() + timeout
    seen = client.news.revision
    while not condition():
        left = deadline - time.monotonic()
        assert left > 0, "the client did not see it in time"
        seen = client.news.wait_after(seen, left)


def _submit_to_a_deaf_worker(client: JobClient, probe_factory):
    """Say a worker serving classic is online (none reads jobs), submit a job; the probe sees jobs."""
    jobs = probe_factory(topics.ALL_JOBS_FILTER)
    _announce(jobs, "deaf", "online")
    assert client.wait_for_workers(20, backend="classic") == ["deaf"]
    job = make_job()
    client.submit(job)
    _copies_of(jobs, job, 1)
    return jobs, job


@pytest.mark.parametrize("client", [HighestDraw()], indirect=True)
def test_a_job_nobody_answers_is_sent_again_with_back_off_while_a_worker_is_there(
    client, clock, probe_factory
):
    jobs, job = _submit_to_a_deaf_worker(client, probe_factory)
    for copies in (2, 3, 4):
        clock.fire_next()
        _copies_of(jobs, job, copies)
    silence_plus_backoff = [30.5, 61.5, 93.5, 127.5]  # 30 s, then 0.5, 1, 2 and 4 more each time
    assert [timer.due for timer in clock.timers] == silence_plus_backoff

    _announce(jobs, "deaf", "offline")
    _until_news(client, lambda: client.workers_online() == [])
    clock.fire_next()  # nobody could take it: the due resend sends nothing and arms nothing ...
    assert client.stats["resent_untaken"] == 3 and clock.pending() == []
    _announce(jobs, "deaf", "online")  # ... the worker's arrival sends it
    _copies_of(jobs, job, 5)
    clock.wait_scheduled(5)
    assert len(clock.pending()) == 1, "and it waits for an answer again"


def test_a_resend_that_comes_due_after_stop_does_nothing(client, clock, probe_factory):
    _submit_to_a_deaf_worker(client, probe_factory)
    late = clock.pending()[0]
    client.stop()
    assert clock.pending() == [], "stop cancels every pending resend"
    late.action()  # a timer thread that fired as stop cancelled it: with the outbox closed, this raised
    assert client.stats["resent_untaken"] == 0

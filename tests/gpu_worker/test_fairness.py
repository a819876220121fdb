"""Kiosks share one worker fairly, end to end through a real mosquitto."""

from __future__ import annotations

import threading

import pytest

from gpu_worker import service
from gpu_worker.intake import prepare_request
from shared.protocol import JobAccepted, JobCancel, JobDone, JobFailed, encode, topics
from testkit.jobs import make_job
from tests.gpu_worker.test_service import barrier, expect_event, send


def done_order(probe) -> list[str]:
    return [seen.message.job_id for seen in probe.drain() if isinstance(seen.message, JobDone)]


def test_a_kiosk_sending_six_jobs_does_not_starve_two_sending_one(worker_factory, probe_factory, gated):
    worker_factory()
    probe = probe_factory(topics.kiosk_events_filter("+"))
    a_jobs = [make_job("kA", f"a{n}", backend="gated", num_images=1) for n in range(1, 7)]
    b_job, c_job = (
        make_job(kiosk, job_id, backend="gated", num_images=1)
        for kiosk, job_id in [("kB", "b1"), ("kC", "c1")]
    )
    send(probe, a_jobs[0])
    assert gated.first_image_out.wait(20), "the worker is held on a1"
    for job in [*a_jobs[1:], b_job, c_job]:
        send(probe, job)
    positions = {
        job.job_id: expect_event(probe, job.job_id, JobAccepted).queue_position
        for job in [*a_jobs, b_job, c_job]
    }
    assert positions == {"a1": 0, "a2": 1, "a3": 2, "a4": 3, "a5": 4, "a6": 5, "b1": 1, "c1": 2}

    gated.gate.set()
    for job in [*a_jobs, b_job, c_job]:
        expect_event(probe, job.job_id, JobDone)
    order = done_order(probe)
    assert order == ["a1", "b1", "c1", "a2", "a3", "a4", "a5", "a6"]
    assert [order.index("b1"), order.index("c1")] == [positions["b1"], positions["c1"]], (
        "the last jobs accepted ran exactly where `accepted` said"
    )


@pytest.mark.parametrize(
    "limits",
    [{"queue_limit": 2}, {"queue_limit": 8, "per_kiosk_limit": 1}],
    ids=["default share", "configured share"],
)
def test_one_kiosk_gets_busy_at_its_share_while_another_still_gets_in(
    worker_factory, probe_factory, gated, limits
):
    worker_factory(**limits)
    probe = probe_factory(topics.kiosk_events_filter("+"))
    running, waiting, refused = (make_job("kA", f"a{n}", backend="gated", num_images=1) for n in range(1, 4))
    other = make_job("kB", "b1", backend="gated", num_images=1)
    send(probe, running)
    assert gated.first_image_out.wait(20)
    send(probe, waiting)
    send(probe, refused)
    send(probe, other)

    failed = expect_event(probe, refused.job_id, JobFailed)
    assert failed.code == "busy" and "kiosk kA already fills its share of the queue" in failed.message
    assert expect_event(probe, waiting.job_id, JobAccepted).queue_position == 1
    assert expect_event(probe, other.job_id, JobAccepted).queue_position == 1, (
        "kB's first turn comes before a2"
    )

    gated.gate.set()
    for job in [running, other, waiting]:
        expect_event(probe, job.job_id, JobDone)
    assert done_order(probe) == ["a1", "b1", "a2"]
    send(probe, refused)
    expect_event(probe, refused.job_id, JobDone)


def test_a_kiosk_over_its_share_is_refused_before_its_image_is_decoded(worker_factory, probe_factory, gated):
    """Decoding is most of intake's cost: a flooding kiosk must be refused at the speed its jobs arrive.

    The refused job's image is a JPEG header over garbage, which decoding would refuse as `bad_image`;
    `busy` shows the share was checked first.
    """
    worker_factory(queue_limit=8, per_kiosk_limit=1)
    probe = probe_factory(topics.kiosk_events_filter("+"))
    running, waiting = (make_job("kA", f"a{n}", backend="gated", num_images=1) for n in range(1, 3))
    undecodable = make_job("kA", "a3", backend="gated", num_images=1, image=b"\xff\xd8\xff" + bytes(4096))
    send(probe, running)
    assert gated.first_image_out.wait(20)
    send(probe, waiting)
    send(probe, undecodable)
    assert expect_event(probe, undecodable.job_id, JobFailed).code == "busy"
    gated.gate.set()
    expect_event(probe, waiting.job_id, JobDone)
    again = undecodable.model_copy(update={"job_id": "a4"})
    send(probe, again)
    assert expect_event(probe, again.job_id, JobFailed).code == "bad_image", "with room, it is decoded"


@pytest.fixture
def held_decoding(monkeypatch) -> threading.Event:
    """Decoding a job's images blocks until the returned event is set: a very slow decode."""
    release = threading.Event()

    def slow_prepare(job, working_size):
        assert release.wait(30), "the test never let the decode finish"
        return prepare_request(job, working_size)

    monkeypatch.setattr(service, "prepare_request", slow_prepare)
    return release


def test_the_worker_keeps_reading_while_a_job_s_images_are_decoded(
    worker_factory, probe_factory, held_decoding
):
    """Decoding runs off the network thread: while one is held, the worker still answers at once.

    The broker keeps one queue per worker for every kiosk's jobs and drops what overflows it; a
    worker that stopped reading to decode would let one kiosk's jobs pile up in front of the others.
    The job being decoded holds its kiosk's place, so the kiosk's next is `busy`, and a cancel that
    arrives meanwhile still cancels it.
    """
    worker_factory(queue_limit=8, per_kiosk_limit=1)
    probe = probe_factory(topics.kiosk_events_filter("+"))
    decoding, over_share, cancelled = (make_job("kA", f"a{n}", num_images=1) for n in range(1, 4))
    send(probe, decoding)
    send(probe, over_share)
    assert expect_event(probe, over_share.job_id, JobFailed).code == "busy"
    held_decoding.set()
    expect_event(probe, decoding.job_id, JobDone)

    held_decoding.clear()
    send(probe, cancelled)
    probe.publish(topics.cancel("kA", cancelled.job_id), encode(JobCancel(job_id="a3", kiosk_id="kA")))
    barrier(probe, "kA")  # the cancel was read while a3's images were still being decoded
    held_decoding.set()
    assert expect_event(probe, cancelled.job_id, JobFailed).code == "cancelled"
    assert [seen.message.type for seen in probe.drain() if getattr(seen.message, "job_id", "") == "a3"] == [
        "failed"
    ], "never accepted"

"""A kiosk withdraws a job: queued jobs leave at once, running ones stop at the next step."""

from __future__ import annotations

from shared.protocol import JobAccepted, JobCancel, JobDone, JobFailed, JobImage, encode, topics
from testkit.jobs import make_job
from tests.gpu_worker.test_service import barrier, events_of, expect_event, send


def cancel(probe, kiosk_id: str, job_id: str, payload: bytes | None = None) -> None:
    message = JobCancel(job_id=job_id, kiosk_id=kiosk_id)
    probe.publish(topics.cancel(kiosk_id, job_id), encode(message) if payload is None else payload)


def queue_behind_a_running_job(probe, gated, num_images: int):
    """Hold the runner with a gated job and queue a second one behind it; returns both."""
    running, waiting = make_job(backend="gated", num_images=2), make_job(num_images=num_images)
    send(probe, running)
    assert gated.first_image_out.wait(20)
    send(probe, waiting)
    expect_event(probe, waiting.job_id, JobAccepted)
    return running, waiting


def test_cancelling_a_running_job_stops_it_at_the_next_step(worker_factory, probe_factory, gated):
    worker_factory()
    probe = probe_factory(topics.kiosk_events_filter("k1"))
    job = make_job(backend="gated", num_images=4)
    send(probe, job)
    assert gated.first_image_out.wait(20)
    cancel(probe, "k1", job.job_id)
    barrier(probe)  # the worker has read the cancel
    gated.gate.set()

    failed = expect_event(probe, job.job_id, JobFailed)
    assert failed.code == "cancelled" and "step 1 of 4" in failed.message
    assert len(events_of(probe, job.job_id, JobImage)) == 1
    assert events_of(probe, job.job_id, JobDone) == []
    good = make_job(num_images=1)
    send(probe, good)
    expect_event(probe, good.job_id, JobDone)


def test_cancelling_a_queued_job_answers_at_once_and_it_never_runs(worker_factory, probe_factory, gated):
    worker = worker_factory()
    probe = probe_factory(topics.kiosk_events_filter("k1"))
    running, waiting = queue_behind_a_running_job(probe, gated, num_images=2)

    cancel(probe, "k1", waiting.job_id)
    failed = expect_event(probe, waiting.job_id, JobFailed)  # while the gate is still shut
    assert failed.code == "cancelled" and "queued" in failed.message
    gated.gate.set()
    expect_event(probe, running.job_id, JobDone)
    barrier(probe)
    assert events_of(probe, waiting.job_id, JobImage) == []
    assert worker.stats["done"] == 1


def test_a_job_arriving_after_its_cancel_is_refused(worker_factory, probe_factory):
    worker_factory()
    probe = probe_factory(topics.kiosk_events_filter("k1"))
    job = make_job(num_images=1)
    cancel(probe, "k1", job.job_id)
    send(probe, job)
    failed = expect_event(probe, job.job_id, JobFailed)
    assert failed.code == "cancelled"
    assert events_of(probe, job.job_id, JobAccepted) == []


def test_a_resent_cancelled_job_gets_the_same_answer(worker_factory, probe_factory, gated):
    worker = worker_factory()
    probe = probe_factory(topics.kiosk_events_filter("k1"))
    running, waiting = queue_behind_a_running_job(probe, gated, num_images=1)
    cancel(probe, "k1", waiting.job_id)
    expect_event(probe, waiting.job_id, JobFailed)
    gated.gate.set()
    expect_event(probe, running.job_id, JobDone)

    send(probe, waiting)
    probe.expect(lambda seen: len(events_of(probe, waiting.job_id, JobFailed)) == 2)
    assert [event.code for event in events_of(probe, waiting.job_id, JobFailed)] == ["cancelled"] * 2
    assert worker.stats["failed_cancelled"] == 2 and worker.stats["done"] == 1
    assert events_of(probe, waiting.job_id, JobImage) == []


def test_bad_cancels_are_ignored_and_the_job_goes_on(worker_factory, probe_factory):
    worker = worker_factory()
    probe = probe_factory(topics.kiosk_events_filter("+"))
    job = make_job(num_images=1)
    cancel(probe, "k1", job.job_id, payload=b"garbage")
    cancel(probe, "k1", job.job_id, payload=encode(JobCancel(job_id=job.job_id, kiosk_id="k2")))
    cancel(probe, "k1", job.job_id, payload=encode(make_job(job_id=job.job_id)))
    probe.publish(f"teachbooth/v2/kiosk/k1/cancel/{'x' * 65}", encode(JobCancel(job_id="j", kiosk_id="k1")))
    send(probe, job)
    expect_event(probe, job.job_id, JobDone)
    assert worker.stats["bad_cancels"] == 3 and worker.stats["unroutable"] == 1

"""Compatible queued jobs share one GPU pass, and each still gets its own answer."""

from __future__ import annotations

from shared.presets import Preset
from shared.protocol import JobAccepted, JobCancel, JobDone, JobFailed, JobImage, JobProgress, encode, topics
from testkit.jobs import BatchingBackend, make_job
from tests.gpu_worker.test_service import barrier, events_of, expect_event, send


def batching_job(kiosk_id: str, seed: int, change: float = 0.5, num_images: int = 1, **fields):
    return make_job(kiosk_id, seed=seed, change=change, num_images=num_images, backend="batching", **fields)


def queue_behind_a_running_pass(worker_factory, probe, jobs, **config) -> BatchingBackend:
    """Hold the runner in a first pass, queue `jobs` behind it and wait until each is accepted.

    The queued jobs then run as the runner next finds them; the first pass ends
    with the first `release()`.
    """
    backend = BatchingBackend(held=True)
    worker_factory(backends={"batching": backend}, **config)
    send(probe, batching_job("k0", seed=100, change=0.9))
    assert backend.started.acquire(timeout=20)
    for job in jobs:
        send(probe, job)
        expect_event(probe, job.job_id, JobAccepted)
    return backend


def release_all(backend: BatchingBackend, passes: int) -> None:
    for _ in range(passes):
        backend.release()


def test_compatible_jobs_from_several_kiosks_run_as_one_pass(worker_factory, probe_factory):
    probe = probe_factory(topics.kiosk_events_filter("+"))
    same = [batching_job(kiosk, seed, num_images=2) for kiosk, seed in (("k1", 1), ("k2", 2), ("k3", 3))]
    other = batching_job("k1", seed=4, change=0.2, num_images=2)
    backend = queue_behind_a_running_pass(worker_factory, probe, [*same, other])
    release_all(backend, 3)

    for job in [*same, other]:
        done = expect_event(probe, job.job_id, JobDone)
        assert done.num_images == 2
        assert sorted(image.index for image in events_of(probe, job.job_id, JobImage)) == [0, 1]
    assert backend.passes == [[100], [1, 2, 3], [4]]


def test_a_pass_holds_at_most_max_batch_images(worker_factory, probe_factory):
    probe = probe_factory(topics.kiosk_events_filter("+"))
    jobs = [batching_job(f"k{seed}", seed, num_images=3) for seed in (1, 2, 3)]
    backend = queue_behind_a_running_pass(worker_factory, probe, jobs, max_batch_images=6)
    release_all(backend, 3)
    for job in jobs:
        expect_event(probe, job.job_id, JobDone)
    assert backend.passes == [[100], [1, 2], [3]]


def test_every_job_in_a_pass_gets_its_own_progress_and_recipe(worker_factory, probe_factory):
    probe = probe_factory(topics.kiosk_events_filter("+"))
    jobs = [batching_job(kiosk, seed, label=kiosk) for kiosk, seed in (("k1", 1), ("k2", 2))]
    backend = queue_behind_a_running_pass(worker_factory, probe, jobs)
    release_all(backend, 2)
    for job in jobs:
        expect_event(probe, job.job_id, JobDone)
        steps = [(event.step, event.total) for event in events_of(probe, job.job_id, JobProgress)]
        assert steps == [(1, 2), (2, 2)]
        (image,) = events_of(probe, job.job_id, JobImage)
        assert image.recipe.prompt == f"a {job.kiosk_id}" and image.recipe.seed == job.seed
    assert backend.passes == [[100], [1, 2]]


def test_a_job_the_pass_cannot_take_fails_alone(worker_factory, probe_factory):
    """The backend refuses the whole pass; run one at a time, only the bad job fails."""
    probe = probe_factory(topics.kiosk_events_filter("+"))
    good = batching_job("k1", seed=1)
    bad = batching_job("k2", seed=2, preset=Preset.ROTTEN)
    backend = queue_behind_a_running_pass(worker_factory, probe, [good, bad])
    release_all(backend, 2)

    expect_event(probe, good.job_id, JobDone)
    failed = expect_event(probe, bad.job_id, JobFailed)
    assert failed.code == "unsupported_preset" and "rotten" in failed.message
    assert backend.passes == [[100], [1]]


def test_a_job_cancelled_mid_pass_fails_alone_and_the_others_finish(worker_factory, probe_factory):
    probe = probe_factory(topics.kiosk_events_filter("+"))
    kept, cancelled = batching_job("k1", seed=1), batching_job("k2", seed=2)
    backend = queue_behind_a_running_pass(worker_factory, probe, [kept, cancelled])
    backend.release()
    assert backend.started.acquire(timeout=20)  # the pass of both jobs is past its first step

    probe.publish(
        topics.cancel("k2", cancelled.job_id), encode(JobCancel(job_id=cancelled.job_id, kiosk_id="k2"))
    )
    barrier(probe, "k2", "batching")  # the worker has read the cancel
    backend.release()

    failed = expect_event(probe, cancelled.job_id, JobFailed)
    assert failed.code == "cancelled" and "step 2 of 2" in failed.message
    expect_event(probe, kept.job_id, JobDone)
    assert events_of(probe, cancelled.job_id, JobImage) == []
    assert backend.passes == [[100], [1, 2]]

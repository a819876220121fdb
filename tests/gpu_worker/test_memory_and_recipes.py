"""What the `done` and `image` events say about a run: peak memory, out-of-memory, the full recipe."""

from __future__ import annotations

from gpu_worker.backends.classic import ClassicBackend
from shared.protocol import JobDone, JobFailed, JobImage, topics
from testkit.jobs import MeasuringBackend, OutOfMemoryBackend, make_job
from tests.gpu_worker.test_service import events_of, expect_event, send


def test_done_reports_the_peak_memory_of_the_run(worker_factory, probe_factory):
    backend = MeasuringBackend()
    worker_factory(backends={"measuring": backend, "classic": ClassicBackend()})
    probe = probe_factory(topics.kiosk_events_filter("k1"))
    job = make_job(backend="measuring", num_images=1)
    send(probe, job)
    assert expect_event(probe, job.job_id, JobDone).peak_gpu_mb == 1234.5
    assert backend.resets == 1

    on_cpu = make_job(num_images=1)
    send(probe, on_cpu)
    assert expect_event(probe, on_cpu.job_id, JobDone).peak_gpu_mb is None


def test_recipe_carries_the_prompts_the_model_was_given(worker_factory, probe_factory):
    worker_factory(backends={"measuring": MeasuringBackend()})
    probe = probe_factory(topics.kiosk_events_filter("k1"))
    job = make_job(backend="measuring", num_images=1, change=0.35, seed=99)
    send(probe, job)
    expect_event(probe, job.job_id, JobDone)
    (image,) = events_of(probe, job.job_id, JobImage)
    recipe = image.recipe
    assert (recipe.backend, recipe.model, recipe.change, recipe.seed) == ("measuring", "tiny/model", 0.35, 99)
    assert recipe.prompt == "a photo of a green apple" and recipe.negative_prompt == "blurry"
    assert recipe.preset == job.preset


def test_out_of_memory_fails_the_job_alone_and_may_be_retried(worker_factory, probe_factory):
    worker = worker_factory(backends={"oom": OutOfMemoryBackend(), "measuring": MeasuringBackend()})
    probe = probe_factory(topics.kiosk_events_filter("k1"))
    job = make_job(backend="oom", num_images=4)
    send(probe, job)
    failed = expect_event(probe, job.job_id, JobFailed)
    assert failed.code == "out_of_memory" and "one image at a time" in failed.message

    good = make_job(backend="measuring", num_images=1)
    send(probe, good)
    expect_event(probe, good.job_id, JobDone)
    send(probe, job)  # memory may be free later: a resend runs again, it is not answered from a cache
    probe.expect(lambda seen: len(events_of(probe, job.job_id, JobFailed)) == 2)
    assert worker.stats["failed_out_of_memory"] == 2 and worker.stats["replayed"] == 0

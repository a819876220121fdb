"""The img2img backend on the tiny SD-Turbo-class pipeline: directly, and through a real worker and broker."""

from __future__ import annotations

import io
from collections.abc import Iterator

import numpy as np
import pytest
from PIL import Image

from gpu_worker.backends import Backend, GeneratedImage, GenerationRequest, StepCallback, UnsupportedRequest
from gpu_worker.diffusion.recipes import img2img_recipe
from gpu_worker.diffusion.settings import Img2ImgSettings
from shared.presets import Preset
from shared.protocol import FailureCode, JobAccepted, JobDone, JobFailed, JobImage, JobProgress, topics
from testkit.jobs import make_job
from tests.gpu_worker.backends.generation import SOURCE_SIZE, WORKING_SIZE, generate_all, make_request, pixels
from tests.gpu_worker.test_service import events_of, expect_event, send

TWO_STEPS = 1 / 3
"""A change the few-step table maps to 2 denoising steps (checked in test_two_step_change)."""


def request(**fields) -> GenerationRequest:
    """A plain red frame without a mask, two images in two steps, unless `fields` say otherwise."""
    defaults = {"image": Image.new("RGB", SOURCE_SIZE, (200, 40, 30)), "mask": None, "change": TWO_STEPS}
    return make_request(**(defaults | fields))


def test_two_step_change():
    assert img2img_recipe(TWO_STEPS, few_step=True).steps == 2


def test_images_come_back_at_the_source_size_with_one_report_per_step(img2img_backend):
    images, steps = generate_all(img2img_backend, request())
    assert steps == [(1, 2), (2, 2)]
    assert [generated.index for generated in images] == [0, 1]
    for generated in images:
        assert generated.image.size == SOURCE_SIZE and generated.image.mode == "RGB"
        assert generated.whole_image and generated.model == img2img_backend.model
        assert generated.operations == ("img2img strength=0.50 steps=2",)


def test_change_buys_denoising_steps(img2img_backend):
    _, steps = generate_all(img2img_backend, request(change=1.0, num_images=1))
    assert steps == [(step, 4) for step in range(1, 5)]


def test_a_seed_and_index_reproduce_an_image_whatever_the_batch(img2img_backend):
    pair, _ = generate_all(img2img_backend, request(num_images=2))
    single, _ = generate_all(img2img_backend, request(num_images=1))
    other_seed, _ = generate_all(img2img_backend, request(num_images=1, seed=4))
    # Batched and single convolutions may round differently in the last float bit: one grey level.
    assert np.abs(pixels(pair[0].image) - pixels(single[0].image)).max() <= 1
    assert np.abs(pixels(pair[0].image) - pixels(other_seed[0].image)).mean() > 1


def test_the_source_steers_the_result(img2img_backend):
    red, _ = generate_all(img2img_backend, request(num_images=1))
    blue, _ = generate_all(
        img2img_backend, request(num_images=1, image=Image.new("RGB", SOURCE_SIZE, (20, 40, 220)))
    )
    assert np.abs(pixels(red[0].image) - pixels(blue[0].image)).mean() > 1


def test_a_preset_img2img_does_not_serve_is_an_unsupported_request(img2img_backend):
    with pytest.raises(UnsupportedRequest, match="'mix'"):
        generate_all(img2img_backend, request(preset=Preset.MIX))


def test_job_end_to_end_through_the_worker(img2img_backend, worker_factory, probe_factory):
    worker_factory(backends={"img2img": img2img_backend}, working_size=WORKING_SIZE)
    probe = probe_factory(topics.kiosk_events_filter("k1"))
    job = make_job(backend="img2img", num_images=3, change=TWO_STEPS)
    send(probe, job)

    done = expect_event(probe, job.job_id, JobDone)
    assert done.num_images == 3
    assert len(events_of(probe, job.job_id, JobAccepted)) == 1
    progress = events_of(probe, job.job_id, JobProgress)
    assert [(event.step, event.total) for event in progress] == [(1, 2), (2, 2)]
    images = events_of(probe, job.job_id, JobImage)
    assert sorted(event.index for event in images) == [0, 1, 2]
    for event in images:
        decoded = Image.open(io.BytesIO(event.image))
        assert decoded.size == (64, 48), "the sample (640x480) at the working size"
        assert event.recipe.backend == "img2img" and event.recipe.whole_image
        assert event.recipe.model == img2img_backend.model and event.recipe.seed == job.seed


def test_unserved_preset_fails_the_job_as_unsupported_preset(img2img_backend, worker_factory, probe_factory):
    worker_factory(backends={"img2img": img2img_backend}, working_size=WORKING_SIZE)
    probe = probe_factory(topics.kiosk_events_filter("k1"))
    job = make_job(backend="img2img", preset=Preset.MIX)
    send(probe, job)

    failed = expect_event(probe, job.job_id, JobFailed)
    assert failed.code is FailureCode.UNSUPPORTED_PRESET and "'mix'" in failed.message


class ExpiresAfterFirstStep(Backend):
    """The real backend, with the test's clock jumping an hour ahead once the first job's step 1 is out."""

    name = "img2img"

    def __init__(self, inner: Backend, clock) -> None:
        self.inner = inner
        self.clock = clock
        self.jumped = False

    def generate(self, request: GenerationRequest, on_step: StepCallback) -> Iterator[GeneratedImage]:
        def step_then_expire(step: int, total: int) -> None:
            on_step(step, total)
            if not self.jumped:
                self.jumped = True
                self.clock.offset += 3600

        return self.inner.generate(request, step_then_expire)


def test_a_job_expiring_mid_denoising_stops_at_the_next_step(
    img2img_backend, worker_factory, probe_factory, clock
):
    worker_factory(
        backends={"img2img": ExpiresAfterFirstStep(img2img_backend, clock)}, working_size=WORKING_SIZE
    )
    probe = probe_factory(topics.kiosk_events_filter("k1"))
    job = make_job(backend="img2img", change=1.0, num_images=2)
    send(probe, job)

    failed = expect_event(probe, job.job_id, JobFailed)
    assert failed.code is FailureCode.EXPIRED and "step 2 of 4" in failed.message
    progress = events_of(probe, job.job_id, JobProgress)
    assert [(event.step, event.total) for event in progress] == [(1, 4)]
    assert not events_of(probe, job.job_id, JobImage) and not events_of(probe, job.job_id, JobDone)

    later = make_job(backend="img2img", change=TWO_STEPS, num_images=1, deadline_in=2 * 3600)
    send(probe, later)
    assert expect_event(probe, later.job_id, JobDone).num_images == 1, "the worker goes on to the next job"


def test_the_worker_builds_img2img_from_its_config(tiny_pipelines, worker_factory, probe_factory):
    """No backend handed in: the service builds img2img from its config, as `teachbooth worker` does."""
    folder = tiny_pipelines["img2img"]
    worker_factory(from_config=("img2img",), img2img=Img2ImgSettings(model=str(folder), few_step=True))
    probe = probe_factory(topics.kiosk_events_filter("+"))
    job = make_job("k1", "from-config", backend="img2img", num_images=1, change=0.3)
    send(probe, job)
    image = expect_event(probe, job.job_id, JobImage)
    assert image.recipe.backend == "img2img"
    expect_event(probe, job.job_id, JobDone)

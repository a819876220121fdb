"""inpaint and instruct jobs end to end: a kiosk's job through a real worker and broker, events back."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from shared.imaging import decode_image
from shared.masks import binary_mask, decode_mask
from shared.presets import Preset
from shared.protocol import FailureCode, JobDone, JobFailed, JobImage, JobProgress, topics
from testkit.jobs import make_job
from tests.gpu_worker.backends.generation import WORKING_SIZE
from tests.gpu_worker.test_service import events_of, expect_event, send

MASKED_JOBS = {
    "inpaint": (0.0, ["inpaint strength=0.60 guidance=5.0 steps=20", "source kept outside the object"]),
    "instruct": (
        1.0,
        ["instruct guidance=10.0 image_guidance=1.00 steps=20", "source kept outside the object"],
    ),
}
"""Per backend: a change value and the operations its images' recipes must then list."""

UNSERVED = {"inpaint": Preset.MIX, "instruct": Preset.NEW_ANGLE}


@pytest.fixture
def serve(request, worker_factory, probe_factory):
    """Start a worker serving only the named tiny backend; the probe that watches kiosk k1's events."""

    def start(name: str):
        backend = request.getfixturevalue(f"{name}_backend")
        worker_factory(backends={name: backend}, working_size=WORKING_SIZE)
        return backend, probe_factory(topics.kiosk_events_filter("k1"))

    return start


@pytest.mark.parametrize("name", MASKED_JOBS)
def test_a_masked_job_end_to_end(serve, name):
    backend, probe = serve(name)
    change, operations = MASKED_JOBS[name]
    job = make_job(backend=name, num_images=2, change=change)  # the bundled red-apple sample and its mask
    send(probe, job)

    done = expect_event(probe, job.job_id, JobDone)
    assert done.num_images == 2
    progress = events_of(probe, job.job_id, JobProgress)
    assert [(event.step, event.total) for event in progress] == [(step, 20) for step in range(1, 21)]
    images = events_of(probe, job.job_id, JobImage)
    assert sorted(event.index for event in images) == [0, 1]
    for event in images:
        assert Image.open(io.BytesIO(event.image)).size == (64, 48), "the sample (640x480) at working size"
        recipe = event.recipe
        assert (recipe.backend, recipe.model, recipe.change, recipe.seed) == (
            name,
            backend.model,
            change,
            job.seed,
        )
        assert not recipe.whole_image and recipe.operations == operations
        assert recipe.prompt is not None and "apple" in recipe.prompt, "the prompt the model was given"
        assert recipe.negative_prompt is not None and "blurry" in recipe.negative_prompt
        assert event.mask is not None and event.mask.startswith(b"\x89PNG")
        assert Image.open(io.BytesIO(event.mask)).mode == "1", "written as a 1-bit PNG"
        np.testing.assert_array_equal(
            np.asarray(decode_mask(event.mask, (64, 48))), np.asarray(job_mask_at_working_size(job))
        )


def job_mask_at_working_size(job) -> Image.Image:
    """The kiosk's mask as the worker saw it: at working size, 0/255."""
    return binary_mask(decode_image(job.mask).resize((64, 48), Image.Resampling.NEAREST))


def test_img2img_images_come_without_a_mask_for_the_kiosk_to_make(serve):
    _, probe = serve("img2img")
    job = make_job(backend="img2img", num_images=2)
    send(probe, job)
    assert expect_event(probe, job.job_id, JobDone).num_images == 2
    assert [event.mask for event in events_of(probe, job.job_id, JobImage)] == [None, None]


@pytest.mark.parametrize("name", UNSERVED)
def test_an_unserved_preset_fails_the_job_as_unsupported_preset(serve, name):
    _, probe = serve(name)
    job = make_job(backend=name, preset=UNSERVED[name])
    send(probe, job)
    failed = expect_event(probe, job.job_id, JobFailed)
    assert failed.code is FailureCode.UNSUPPORTED_PRESET and f"'{UNSERVED[name].value}'" in failed.message


def test_a_job_that_runs_out_of_gpu_memory_fails_alone_and_the_worker_goes_on(serve, memory):
    """torch.OutOfMemoryError from the real pipeline's call, as on a full GPU: retried smaller, then fails."""
    _, probe = serve("img2img")
    memory.largest_batch = 0
    doomed = make_job(backend="img2img", num_images=4, mask=None)
    send(probe, doomed)
    failed = expect_event(probe, doomed.job_id, JobFailed)
    assert failed.code is FailureCode.OUT_OF_MEMORY and "one image at a time" in failed.message
    assert memory.calls == [4, 2, 1], "retried at half the batch, down to one image"

    memory.largest_batch = 2
    fits = make_job(backend="img2img", num_images=4, mask=None)
    send(probe, fits)
    assert expect_event(probe, fits.job_id, JobDone).num_images == 4
    assert memory.calls[3:] == [4, 2, 2]

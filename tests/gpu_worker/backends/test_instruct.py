"""The instruct backend on the tiny InstructPix2Pix pipeline: whole-frame edits, the rest pasted back."""

from __future__ import annotations

import numpy as np

from gpu_worker.diffusion.recipes import NEGATIVE_BASE
from shared.presets import Preset
from shared.protocol import FailureCode
from tests.gpu_worker.backends.generation import (
    CHANGED,
    SOURCE_SIZE,
    assert_only_the_part_changed,
    fail_through_a_worker,
    generate_all,
    make_request,
    pixels,
    run_job_through_a_worker,
)


def test_without_a_mask_the_whole_frame_is_edited(instruct_backend):
    request = make_request(mask=None, preset=Preset.NEW_COLOUR, seed=3, num_images=2)
    images, steps = generate_all(instruct_backend, request)
    assert steps == [(step, 20) for step in range(1, 21)]
    assert [generated.prompt for generated in images] == ["make the apple purple", "make the apple orange"]
    for generated in images:
        assert generated.image.size == SOURCE_SIZE and generated.whole_image
        assert generated.model == instruct_backend.model and generated.negative_prompt == NEGATIVE_BASE
        assert generated.operations == ("instruct guidance=7.5 image_guidance=1.50 steps=20",)
        assert np.abs(pixels(generated.image) - pixels(request.image)).mean() > CHANGED


def test_with_a_mask_only_the_object_keeps_the_edit(instruct_backend):
    request = make_request(preset=Preset.RIPER, num_images=1)
    (generated,), _ = generate_all(instruct_backend, request)
    assert generated.prompt == "make the apple riper"
    assert_only_the_part_changed(generated, request, "object")


def test_new_background_keeps_the_object_as_it_was(instruct_backend):
    request = make_request(preset=Preset.NEW_BACKGROUND, num_images=1)
    (generated,), _ = generate_all(instruct_backend, request)
    assert generated.prompt.startswith("put the apple on ")
    assert_only_the_part_changed(generated, request, "background")


def test_job_end_to_end_through_the_worker(instruct_backend, worker_factory, probe_factory):
    seen = run_job_through_a_worker(instruct_backend, worker_factory, probe_factory, num_images=2, change=1.0)
    assert seen.done.num_images == 2
    assert seen.progress == [(step, 20) for step in range(1, 21)]
    assert sorted(event.index for event in seen.images) == [0, 1]
    for event in seen.images:
        recipe = event.recipe
        assert (recipe.backend, recipe.model) == ("instruct", instruct_backend.model)
        assert (recipe.change, recipe.seed, recipe.whole_image) == (1.0, seen.job.seed, False)
        assert recipe.operations == [
            "instruct guidance=10.0 image_guidance=1.00 steps=20",
            "source kept outside the object",
        ]


def test_new_angle_fails_the_job_as_unsupported_preset(instruct_backend, worker_factory, probe_factory):
    failed = fail_through_a_worker(instruct_backend, worker_factory, probe_factory, preset=Preset.NEW_ANGLE)
    assert failed.code is FailureCode.UNSUPPORTED_PRESET and "'new_angle'" in failed.message

"""The inpaint backend on the tiny SD 2 inpainting pipeline: only the masked part changes."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from gpu_worker.backends import UnsupportedRequest
from gpu_worker.diffusion.recipes import NEGATIVE_BASE
from shared.presets import Preset
from shared.protocol import FailureCode
from tests.gpu_worker.backends.generation import (
    SOURCE_SIZE,
    assert_only_the_part_changed,
    fail_through_a_worker,
    generate_all,
    make_request,
    object_mask,
    pixels,
    run_job_through_a_worker,
)


def test_the_object_is_redrawn_and_every_other_pixel_is_the_source(inpaint_backend):
    request = make_request(preset=Preset.NEW_COLOUR, seed=3, num_images=2)
    images, steps = generate_all(inpaint_backend, request)
    assert steps == [(step, 20) for step in range(1, 21)]
    assert [generated.prompt for generated in images] == [
        "a photo of a purple apple",
        "a photo of an orange apple",
    ]
    for generated in images:
        assert generated.image.size == SOURCE_SIZE and generated.model == inpaint_backend.model
        assert generated.negative_prompt == NEGATIVE_BASE
        assert generated.operations[0] == "inpaint strength=0.80 guidance=7.0 steps=20"
        assert_only_the_part_changed(generated, request, "object")


def test_new_background_redraws_all_but_the_object(inpaint_backend):
    request = make_request(preset=Preset.NEW_BACKGROUND, num_images=1)
    (generated,), _ = generate_all(inpaint_backend, request)
    assert generated.prompt.startswith("a photo of an apple on ")
    assert_only_the_part_changed(generated, request, "background")


@pytest.mark.parametrize(
    ("mask", "preset", "reason"),
    [
        (None, Preset.NEW_COLOUR, "needs the object mask"),
        (Image.new("L", SOURCE_SIZE, 0), Preset.NEW_COLOUR, "leaves no object pixels"),
        (Image.new("L", SOURCE_SIZE, 255), Preset.NEW_BACKGROUND, "leaves no background pixels"),
    ],
    ids=["no mask", "empty mask", "object fills the frame"],
)
def test_nothing_to_inpaint_is_refused_with_the_reason(inpaint_backend, mask, preset, reason):
    with pytest.raises(UnsupportedRequest, match=reason):
        generate_all(inpaint_backend, make_request(mask=mask, preset=preset))


def test_the_mask_may_come_in_any_mode(inpaint_backend):
    """Kiosks send greyscale masks; an RGB one reads the same."""
    grey, _ = generate_all(inpaint_backend, make_request(num_images=1))
    rgb, _ = generate_all(inpaint_backend, make_request(num_images=1, mask=object_mask().convert("RGB")))
    np.testing.assert_array_equal(pixels(grey[0].image), pixels(rgb[0].image))


def test_job_end_to_end_through_the_worker(inpaint_backend, worker_factory, probe_factory):
    seen = run_job_through_a_worker(inpaint_backend, worker_factory, probe_factory, num_images=2, change=0.0)
    assert seen.done.num_images == 2
    assert seen.progress == [(step, 20) for step in range(1, 21)]
    assert sorted(event.index for event in seen.images) == [0, 1]
    for event in seen.images:
        assert Image.open(io.BytesIO(event.image)).size == (64, 48), (
            "the sample (640x480) at the working size"
        )
        recipe = event.recipe
        assert (recipe.backend, recipe.model) == ("inpaint", inpaint_backend.model)
        assert (recipe.change, recipe.seed, recipe.whole_image) == (0.0, seen.job.seed, False)
        assert recipe.operations[0] == "inpaint strength=0.60 guidance=5.0 steps=20"


def test_an_unserved_preset_fails_the_job_as_unsupported_preset(
    inpaint_backend, worker_factory, probe_factory
):
    failed = fail_through_a_worker(inpaint_backend, worker_factory, probe_factory, preset=Preset.MIX)
    assert failed.code is FailureCode.UNSUPPORTED_PRESET and "'mix'" in failed.message

"""The inpaint backend on the tiny SD 2 inpainting pipeline: only the masked part changes."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from gpu_worker.backends import UnsupportedRequest
from gpu_worker.diffusion.recipes import NEGATIVE_BASE
from shared.presets import Preset
from tests.gpu_worker.backends.generation import (
    SOURCE_SIZE,
    assert_only_the_part_changed,
    generate_all,
    make_request,
    object_mask,
    pixels,
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

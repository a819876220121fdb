"""The instruct backend on the tiny InstructPix2Pix pipeline: whole-frame edits, the rest pasted back."""

from __future__ import annotations

import numpy as np

from gpu_worker.diffusion.recipes import NEGATIVE_BASE
from shared.presets import Preset
from tests.gpu_worker.backends.generation import (
    CHANGED,
    SOURCE_SIZE,
    generate_all,
    make_request,
    pixels,
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

"""Every preset on every diffusion backend: the served ones make images, the others are refused by name."""

from __future__ import annotations

import numpy as np
import pytest

from gpu_worker.backends import UnsupportedRequest
from gpu_worker.diffusion.recipes import DIFFUSION_BACKENDS, served_presets
from shared.presets import Preset
from tests.gpu_worker.backends.generation import (
    assert_only_the_part_changed,
    generate_all,
    make_request,
    pixels,
)

CUSTOM = {"img2img": "with a leaf", "inpaint": "with a leaf", "instruct": "make it shiny"}
"""Custom text without a preset, per backend: a description for the painters, an instruction for instruct."""


@pytest.mark.parametrize("preset", [*Preset, None], ids=str)
@pytest.mark.parametrize("name", DIFFUSION_BACKENDS)
def test_every_preset(request, name, preset):
    backend = request.getfixturevalue(f"{name}_backend")
    job = make_request(preset=preset, prompt=CUSTOM[name] if preset is None else None, num_images=1)
    if preset is not None and preset not in served_presets(name):
        with pytest.raises(
            UnsupportedRequest, match=f"the {name} backend does not serve the '{preset.value}'"
        ):
            generate_all(backend, job)
        return
    (generated,), steps = generate_all(backend, job)
    assert steps and steps[-1][0] == steps[-1][1], "every denoising step reported"
    assert (CUSTOM[name] if preset is None else "apple") in generated.prompt
    assert np.abs(pixels(generated.image) - pixels(job.image)).mean() > 1


@pytest.mark.parametrize(
    ("preset", "part", "prompt_start"),
    [
        (
            Preset.NEW_BACKGROUND,
            "background",
            {"inpaint": "a photo of an apple on ", "instruct": "put the apple on "},
        ),
        (
            Preset.RIPER,
            "object",
            {"inpaint": "a photo of a very ripe apple", "instruct": "make the apple riper"},
        ),
    ],
    ids=["new_background", "riper"],
)
@pytest.mark.parametrize("name", ["inpaint", "instruct"])
def test_a_masked_job_changes_only_the_part_its_preset_names(request, name, preset, part, prompt_start):
    job = make_request(preset=preset, num_images=1)
    (generated,), _ = generate_all(request.getfixturevalue(f"{name}_backend"), job)
    assert generated.prompt.startswith(prompt_start[name])
    assert_only_the_part_changed(generated, job, part)

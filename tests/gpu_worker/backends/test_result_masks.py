"""Every backend's pictures carry the object's mask where it can know it: the image's size, the object."""

from __future__ import annotations

import numpy as np
import pytest

from gpu_worker.backends.classic import ClassicBackend
from shared.presets import Preset
from tests.gpu_worker.backends.generation import generate_all, inside, make_request

PART_EDITS = [
    ("inpaint", Preset.NEW_COLOUR),
    ("inpaint", Preset.NEW_BACKGROUND),
    ("instruct", Preset.NEW_COLOUR),
    ("instruct", Preset.NEW_BACKGROUND),
]


@pytest.mark.parametrize(("name", "preset"), PART_EDITS)
def test_a_part_edit_returns_the_kiosks_object_mask(request, name, preset):
    """The source is pasted back outside the edited part, so the object has not moved; a new background
    edits the backdrop (the mask inverted) yet the stored mask is still the object's."""
    backend = request.getfixturevalue(f"{name}_backend")
    job = make_request(preset=preset, num_images=2)
    images, _ = generate_all(backend, job)
    assert len(images) == 2
    for generated in images:
        assert generated.mask is not None and generated.mask.mode == "L"
        assert generated.mask.size == generated.image.size
        np.testing.assert_array_equal(inside(generated.mask), inside(job.mask))
        assert set(np.unique(np.asarray(generated.mask))) == {0, 255}


@pytest.mark.parametrize("name", ["img2img", "instruct"])
def test_a_whole_frame_redrawn_has_no_mask_from_the_worker(request, name):
    """img2img (always) and instruct without the kiosk's mask redraw everything: the kiosk masks those."""
    backend = request.getfixturevalue(f"{name}_backend")
    images, _ = generate_all(backend, make_request(mask=None, num_images=1))
    assert images[0].whole_image and images[0].mask is None


def test_img2img_leaves_the_mask_to_the_kiosk_even_when_given_one(img2img_backend):
    images, _ = generate_all(img2img_backend, make_request(num_images=1))
    assert images[0].mask is None


@pytest.mark.parametrize("preset", [Preset.NEW_COLOUR, Preset.NEW_BACKGROUND, Preset.NEW_ANGLE, Preset.MIX])
def test_the_classic_backend_returns_the_mask_the_engine_moved(preset):
    job = make_request(preset=preset, num_images=3, change=1.0)
    images, _ = generate_all(ClassicBackend(), job)
    for generated in images:
        assert generated.mask is not None and generated.mask.size == generated.image.size
        if not any(op.startswith("rotate") for op in generated.operations):
            np.testing.assert_array_equal(inside(generated.mask), inside(job.mask))
    if preset is Preset.NEW_ANGLE:
        moved = [g for g in images if not np.array_equal(inside(g.mask), inside(job.mask))]
        assert moved, "a new angle moves the object, and its mask with it"

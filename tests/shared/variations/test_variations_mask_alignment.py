"""Geometry moves the object mask exactly as it moves the picture: a rendered scene with a known object."""

from __future__ import annotations

import numpy as np
from PIL import Image

from shared.presets import Preset
from shared.variations import ClassicEngine, Variation
from testkit.scenes import Blob, render_scene

OFF_CENTRE_BOX = Blob(cx=220, cy=170, rx=90, ry=50, colour=(40.0, 150.0, 60.0), corner=0.3)
"""A green box left of and above the centre: a mirror or a shift moves it visibly."""


def scene() -> tuple[Image.Image, Image.Image]:
    rendered = render_scene((OFF_CENTRE_BOX,), seed=7)
    mask = Image.fromarray(rendered.object_masks[0].astype(np.uint8) * 255)
    return Image.fromarray(rendered.image), mask


def green(image: Image.Image) -> np.ndarray:
    """Where the picture shows the box: clearly greener than red (the backdrop is a near-grey paper)."""
    rgb = np.asarray(image, dtype=np.int16)
    return rgb[..., 1] - rgb[..., 0] > 50


def aligned(variation: Variation) -> tuple[float, float]:
    """Share of the mask that shows the box, and share of the box outside the mask."""
    assert variation.mask is not None
    inside, box = np.asarray(variation.mask) > 127, green(variation.image)
    return float(box[inside].mean()), float((box & ~inside).sum() / box.sum())


def test_rotation_scale_mirror_and_shift_keep_the_mask_on_the_object():
    image, mask = scene()
    variations = list(ClassicEngine().variations(image, mask, Preset.NEW_ANGLE, 1.0, seed=11, count=12))
    steps = {op.split("(")[0] for variation in variations for op in variation.operations}
    assert {"rotate", "scale", "mirror_horizontal", "shift"} <= steps, "every geometry step is covered"
    source_inside = np.asarray(mask) > 127
    for variation in variations:
        assert variation.mask is not None and variation.mask.size == variation.image.size
        on_box, box_outside = aligned(variation)
        assert on_box > 0.97 and box_outside < 0.03, variation.operations
        assert not np.array_equal(np.asarray(variation.mask) > 127, source_inside), "the object moved"


def test_a_mask_left_behind_would_be_caught():
    """The check above can fail: the source's mask over a moved picture misses the box."""
    image, mask = scene()
    (variation,) = ClassicEngine().variations(image, mask, Preset.NEW_ANGLE, 1.0, seed=11, count=1)
    stale = Variation(variation.image, mask, variation.operations, variation.whole_image)
    on_box, box_outside = aligned(stale)
    assert on_box < 0.9 or box_outside > 0.1


def test_mix_moves_the_mask_with_the_picture_after_colour_and_background():
    image, mask = scene()
    for variation in ClassicEngine().variations(image, mask, Preset.MIX, 0.8, seed=3, count=6):
        assert variation.mask is not None and variation.mask.size == image.size
        if not any(op.startswith("rotate") for op in variation.operations):
            np.testing.assert_array_equal(np.asarray(variation.mask), np.asarray(mask))

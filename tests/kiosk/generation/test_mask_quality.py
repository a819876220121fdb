"""The mask quality check: each poor kind of mask is named, good ones pass, and the picker's order."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from kiosk.generation.mask_quality import MaskProblem, MaskQuality, assess, trusted_first

SIZE = 64


def drawn(shape: str, box=(16, 16, 48, 48)) -> Image.Image:
    mask = Image.new("L", (SIZE, SIZE), 0)
    draw = ImageDraw.Draw(mask)
    if shape == "disc":
        draw.ellipse(box, fill=255)
    elif shape == "square":
        draw.rectangle(box, fill=255)
    elif shape == "ring":
        draw.ellipse(box, outline=255, width=2)
    return mask


@pytest.mark.parametrize("shape", ["disc", "square"])
def test_an_object_in_the_middle_of_the_crop_is_trusted(shape):
    quality = assess(drawn(shape))
    assert quality.trusted and quality.words == ""
    assert 0.15 < quality.coverage < 0.35


def test_no_mask_is_poor():
    assert assess(None).problems == (MaskProblem.MISSING,)
    assert assess(np.zeros((SIZE, SIZE), bool)).problems == (MaskProblem.TINY,)


def test_a_tiny_object_is_poor():
    quality = assess(drawn("disc", (30, 30, 36, 36)))
    assert quality.problems == (MaskProblem.TINY,) and quality.coverage < 0.03


def test_an_object_cut_off_by_the_frame_touches_the_edge():
    assert assess(drawn("square", (0, 10, 40, 50))).problems == (MaskProblem.EDGE,)
    assert assess(drawn("square", (2, 10, 40, 50))).trusted  # a margin of two pixels is enough


def test_a_crescent_or_the_whole_scene_is_mostly_backdrop():
    assert assess(drawn("ring", (8, 8, 56, 56))).problems == (MaskProblem.BACKDROP,)
    crescent = np.asarray(drawn("disc", (8, 8, 56, 56))) > 0
    crescent &= ~(np.asarray(drawn("disc", (14, 6, 62, 54))) > 0)
    assert MaskProblem.BACKDROP in assess(crescent).problems
    everything = assess(drawn("square", (2, 2, 61, 61)))
    assert everything.problems == (MaskProblem.BACKDROP,) and everything.coverage > 0.85
    both = assess(np.ones((SIZE, SIZE), bool))
    assert both.problems == (MaskProblem.EDGE, MaskProblem.BACKDROP)
    assert both.words == "outline touches the edge, outline is mostly backdrop"


def test_a_mask_must_be_one_plane():
    with pytest.raises(ValueError, match="2-D"):
        assess(np.zeros((4, 4, 3), np.uint8))


def test_trusted_masks_come_first_in_their_order():
    good, poor = MaskQuality((), 0.3), MaskQuality((MaskProblem.TINY,), 0.01)
    quality = {"a": poor, "b": good, "c": poor, "d": good}
    assert trusted_first(["a", "b", "c", "d"], quality.__getitem__) == ["b", "d", "a", "c"]

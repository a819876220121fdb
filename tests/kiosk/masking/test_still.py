"""The kiosk's masker on a single picture: the backdrop estimated from the frame's border."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.masking import MaskingConfig
from kiosk.masking.still import border_backdrop, mask_still
from testkit.scenes import GREEN_CUP, RED_BALL, YELLOW_BANANA, empty_frame, render_scene
from tests.kiosk.masking.conftest import iou


@pytest.mark.parametrize("blob", [RED_BALL, GREEN_CUP, YELLOW_BANANA], ids=["ball", "cup", "banana"])
def test_the_object_on_the_kiosk_backdrop_is_found_in_one_picture(blob):
    scene = render_scene((blob,), seed=21)
    found = mask_still(scene.image)
    assert found.found and found.mask is not None and found.mask.shape == scene.image.shape[:2]
    assert iou(found.mask, scene.object_masks[0]) > 0.95
    assert found.crop_box is not None, "and the square crop a capture would store"


def test_of_two_objects_the_larger_is_taken():
    scene = render_scene((RED_BALL, GREEN_CUP), seed=22)
    larger = max(scene.object_masks, key=lambda mask: int(mask.sum()))
    found = mask_still(scene.image)
    assert found.found and iou(found.mask, larger) > 0.9


def test_the_empty_backdrop_has_no_object():
    assert mask_still(empty_frame(3)).outcome == "nothing_changed"


def test_the_border_estimate_reproduces_the_paper_sweep():
    """The estimate from the border alone is nowhere as far from the real empty scene as an object is."""
    frame = empty_frame(4)
    estimate = border_backdrop(frame)
    assert estimate.shape == frame.shape and estimate.dtype == np.float32
    error = np.abs(estimate - frame.astype(np.float32)).max(axis=2)
    assert error.max() < MaskingConfig().change_threshold


def test_what_is_not_a_picture_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="at least 32x32"):
        mask_still(np.zeros((20, 20, 3), dtype=np.uint8))

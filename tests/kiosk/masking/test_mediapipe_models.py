"""The real MediaPipe models: they load from the wheel, run, and find nothing where nothing is."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.masking import MaskingConfig, ObjectMasker
from kiosk.masking.mediapipe_models import HandTracker, PersonSegmenter
from testkit.scenes import BLUE_BOX, empty_frame, render_scene
from tests.kiosk.masking.conftest import iou


@pytest.fixture(scope="module")
def segmenter():
    model = PersonSegmenter()
    yield model
    model.close()


def test_selfie_segmentation_sees_no_person_on_the_empty_backdrop(segmenter: PersonSegmenter) -> None:
    probability = segmenter(empty_frame(50))
    assert probability.shape == (480, 640) and probability.dtype == np.float32
    assert probability.min() >= 0.0 and probability.max() <= 1.0
    assert (probability > 0.5).mean() < 0.005


def test_hands_finds_no_hand_on_the_empty_backdrop_or_on_an_object() -> None:
    tracker = HandTracker()
    try:
        for frame in (empty_frame(51), render_scene((BLUE_BOX,), seed=51).image):
            assert tracker(frame) == []
    finally:
        tracker.close()


def test_the_masker_with_real_models_finds_an_object_put_down_in_the_empty_scene() -> None:
    masker = ObjectMasker(MaskingConfig())
    try:
        for seed in range(52, 55):
            assert masker.preview(empty_frame(seed)).outcome in ("learning_background", "nothing_changed")
        scene = render_scene((BLUE_BOX,), seed=55)
        result = masker.capture(scene.image)
        assert result.found and result.reason == "largest" and result.hands == []
        assert result.person_share < 0.005 and result.refined
        assert iou(result.mask, scene.object_masks[0]) >= 0.85
        assert {"person", "hands", "background", "regions", "grabcut"} <= result.timings_ms.keys()
    finally:
        masker.close()

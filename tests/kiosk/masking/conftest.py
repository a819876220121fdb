from __future__ import annotations

import numpy as np
import pytest

from kiosk.masking import MaskingConfig, ObjectMasker
from testkit.scenes import empty_frame

NOBODY = np.zeros((480, 640), dtype=bool)


def iou(mask: np.ndarray, truth: np.ndarray) -> float:
    return float((mask & truth).sum() / (mask | truth).sum())


@pytest.fixture
def masker() -> ObjectMasker:
    """A masker that has learned the empty backdrop (person and hands given: no MediaPipe)."""
    masker = ObjectMasker(MaskingConfig(run_hands=False))
    for seed in range(3):
        masker.preview(empty_frame(seed), person=NOBODY, hands=[])
    return masker

"""Comparisons with chosen accuracies, for the words and the choices made from a comparison.

Each arm is scored on 20 photos (10 of "a", 10 of "b"), so an accuracy is a whole number of photos:
0.85 is 17 right. The learning tests that need a measured comparison run the real one instead.
"""

from __future__ import annotations

import numpy as np

from kiosk.learning.comparison import ArmResult, Comparison
from kiosk.learning.evaluate import evaluate_predictions

PHOTOS = 20


def made_arm(name: str, accuracy: float | None, skipped: str | None = None) -> ArmResult:
    if accuracy is None:
        return ArmResult(name, None, 0, 0, skipped)
    right = round(accuracy * PHOTOS)
    true = ["a"] * (PHOTOS // 2) + ["b"] * (PHOTOS // 2)
    proba = np.array([[1.0, 0.0] if i < PHOTOS // 2 else [0.0, 1.0] for i in range(PHOTOS)])
    proba[right:] = proba[right:, ::-1]  # the last PHOTOS - right answers wrong
    return ArmResult(name, evaluate_predictions(true, proba, ["a", "b"]), PHOTOS, 0)


def made_comparison(real: float | None, mixed: float | None, alone: float | None = None, **kw) -> Comparison:
    return Comparison(
        real_only=made_arm("real_only", real, kw.get("skipped")),
        generated_only=made_arm("generated_only", alone, "needs generated images of at least two classes"),
        mixed=made_arm("mixed", mixed, kw.get("skipped")),
        real_count=PHOTOS,
        generated_count=kw.get("generated", 8),
        folds=5,
        generated_weight=0.5,
    )

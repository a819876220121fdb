"""Scoring an anomaly model on labelled parts: image AUROC, and accuracy at its threshold.

AUROC says how well the scores rank defective parts above good ones, whatever the threshold (the
share of (good, defective) pairs ordered right, ties counting half); accuracy is what the line sees
at the threshold the model chose from good parts alone. Both on real photos only, as every score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


def auroc(scores: np.ndarray, anomalous: np.ndarray) -> float | None:
    """Area under the ROC curve of `scores` for the `anomalous` (bool) rows; None without both kinds."""
    scores, anomalous = np.asarray(scores, dtype=np.float64), np.asarray(anomalous, dtype=bool)
    bad, good = scores[anomalous], scores[~anomalous]
    if not len(bad) or not len(good):
        return None
    ranks = np.empty(len(scores))
    order = np.argsort(scores, kind="stable")
    ranks[order] = np.arange(1, len(scores) + 1)
    for value in np.unique(scores):  # ties share their mean rank
        tied = scores == value
        ranks[tied] = ranks[tied].mean()
    return float((ranks[anomalous].sum() - len(bad) * (len(bad) + 1) / 2) / (len(bad) * len(good)))


@dataclass(frozen=True)
class AnomalyEvaluation:
    count: int
    auroc: float | None
    """None when the folder holds only good or only defective parts."""
    accuracy: float
    threshold: float
    per_class: dict[str, float]
    """Folder -> share of its parts judged right (good ones kept, every other folder's flagged)."""
    misses: tuple[tuple[str, str, float], ...]
    """(image, its folder, its score) of every part judged wrong, the farthest from the threshold first."""

    def as_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "auroc": self.auroc,
            "accuracy": self.accuracy,
            "threshold": self.threshold,
            "per_class": self.per_class,
            "misclassified": [{"sample": s, "true": t, "anomaly_score": v} for s, t, v in self.misses],
        }


def evaluate_anomaly(
    scores: np.ndarray, labels: Sequence[str], good_label: str, threshold: float, samples: Sequence[str]
) -> AnomalyEvaluation:
    """Score parts whose folder is `labels[i]`: `good_label` is good, every other folder an anomaly."""
    scores = np.asarray(scores, dtype=np.float64)
    if not len(scores):
        raise ValueError("nothing to evaluate: no samples")
    anomalous = np.array([label != good_label for label in labels])
    right = (scores > threshold) == anomalous
    per_class = {
        label: float(right[[i for i, other in enumerate(labels) if other == label]].mean())
        for label in sorted(set(labels))
    }
    wrong = sorted(np.flatnonzero(~right), key=lambda i: -abs(scores[i] - threshold))
    return AnomalyEvaluation(
        count=len(scores),
        auroc=auroc(scores, anomalous),
        accuracy=float(right.mean()),
        threshold=threshold,
        per_class=per_class,
        misses=tuple((samples[i], labels[i], float(scores[i])) for i in wrong),
    )

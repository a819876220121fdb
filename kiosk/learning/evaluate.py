"""Scoring a classifier's answers: accuracy, per-class accuracy, confusion matrix, the misses.

Only real samples may be scored (docs/architecture.md#learning): a model judged on generated images learns to
be judged on generated images. The callers choose the rows; this module only counts, and its
`Evaluation` is the one shape the CLI's `eval --json`, the coach and the kiosk screen all read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Miss:
    """One misclassified sample: what it is, what the model said and how sure it was."""

    sample: str
    """Sample id or file path."""
    true: str
    predicted: str
    confidence: float
    """The probability the model gave its (wrong) answer."""


@dataclass(frozen=True)
class Evaluation:
    labels: tuple[str, ...]
    """Row and column order of `confusion`: the model's labels, then any others met in the data."""
    count: int
    accuracy: float
    per_class: dict[str, float | None]
    """Share of each class's samples labelled correctly (recall); None for a class with no samples."""
    confusion: tuple[tuple[int, ...], ...]
    """confusion[i][j]: samples of labels[i] predicted as labels[j]."""
    misses: tuple[Miss, ...]
    """Misclassified samples, the most confident mistakes first."""

    def confused_pairs(self) -> list[tuple[str, str, int]]:
        """(true, predicted, count) for every off-diagonal cell with mistakes, most first."""
        pairs = [
            (self.labels[i], self.labels[j], count)
            for i, row in enumerate(self.confusion)
            for j, count in enumerate(row)
            if i != j and count
        ]
        return sorted(pairs, key=lambda pair: -pair[2])

    def as_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "accuracy": self.accuracy,
            "labels": list(self.labels),
            "per_class": self.per_class,
            "confusion": [list(row) for row in self.confusion],
            "misclassified": [
                {"sample": m.sample, "true": m.true, "predicted": m.predicted, "confidence": m.confidence}
                for m in self.misses
            ],
        }


def evaluate_predictions(
    true: Sequence[str],
    probabilities: np.ndarray,
    model_labels: Sequence[str],
    samples: Sequence[str] | None = None,
) -> Evaluation:
    """Score (n, labels) probabilities against the true labels of n samples.

    A true label the model does not know (a class added after training) is kept: it gets a row of
    its own, and every one of its samples counts as a miss.
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    true = [str(label) for label in true]
    n = len(true)
    if probabilities.shape != (n, len(model_labels)):
        raise ValueError(
            f"expected probabilities of shape ({n}, {len(model_labels)}), got {probabilities.shape}"
        )
    if n == 0:
        raise ValueError("nothing to evaluate: no samples")
    samples = [str(s) for s in samples] if samples is not None else [str(i) for i in range(n)]
    if len(samples) != n:
        raise ValueError("need one sample name per true label")
    labels = list(model_labels) + sorted(set(true) - set(model_labels))
    index = {label: i for i, label in enumerate(labels)}
    chosen = probabilities.argmax(axis=1)
    predicted = [model_labels[i] for i in chosen]
    confidence = probabilities[np.arange(n), chosen]

    confusion = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for t, p in zip(true, predicted, strict=True):
        confusion[index[t], index[p]] += 1
    totals = confusion.sum(axis=1)
    per_class = {
        label: (float(confusion[i, i] / totals[i]) if totals[i] else None) for i, label in enumerate(labels)
    }
    misses = sorted(
        (
            Miss(sample=samples[k], true=true[k], predicted=predicted[k], confidence=float(confidence[k]))
            for k in range(n)
            if predicted[k] != true[k]
        ),
        key=lambda miss: -miss.confidence,
    )
    return Evaluation(
        labels=tuple(labels),
        count=n,
        accuracy=float(np.trace(confusion) / n),
        per_class=per_class,
        confusion=tuple(tuple(int(v) for v in row) for row in confusion),
        misses=tuple(misses),
    )

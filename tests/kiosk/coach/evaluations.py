"""Evaluations built from a list of outcomes, for rules whose input is the model's answers."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kiosk.learning.evaluate import Evaluation, evaluate_predictions


def evaluation_of(outcomes: Sequence[tuple[str, str, int]], labels: Sequence[str]) -> Evaluation:
    """An evaluation where, for each (true, predicted, count), `count` samples got that answer."""
    true, rows = [], []
    for actual, predicted, count in outcomes:
        for _ in range(count):
            true.append(actual)
            rows.append(np.eye(len(labels))[list(labels).index(predicted)])
    return evaluate_predictions(true, np.array(rows), labels)

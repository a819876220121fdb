"""From labelled feature rows to a calibrated classifier, its real-only evaluation and its record.

Both trainers (an image folder for the CLI, the project store for the kiosk) build `TrainingRows`
and hand them here, so augmentation, weighting and evaluation follow one rule set:

- rows of generated images and of augmented views train but are never scored (`real` is False);
  a view shares its image's group, so a held-out photo's mirror image is held out with it;
- with augmentation "auto" the classifier is trained with and without the views and the views are
  kept only when they raise the cross-validated accuracy on real rows; the decision and both
  accuracies go into the model's training record;
- the evaluation is the out-of-fold predictions of the chosen classifier on the real rows;
- the open-set rule (`open_set.py`) is calibrated on the same out-of-fold probabilities and on the
  features of `rows` (real photos and gated generated ones; views are left out of its reference).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from kiosk.learning.config import TrainingConfig
from kiosk.learning.evaluate import Evaluation, evaluate_predictions
from kiosk.learning.open_set import OpenSetRule
from kiosk.learning.svm import SvmFit, train_linear_svm
from kiosk.learning.views import VIEWS

TrainingProgress = Callable[[str, int, int], None]
"""progress(stage, done, total): stage is "features", "views" or "training"; called on the
training thread, so a UI must hand it over to its own thread."""


@dataclass(frozen=True)
class TrainingRows:
    """Feature rows with what the SVM needs to know about each."""

    features: np.ndarray
    """(n, dim) float32."""
    labels: tuple[str, ...]
    names: tuple[str, ...]
    """Sample id or file path; views add "#view"."""
    groups: tuple[str, ...]
    """Rows of one group are held out together."""
    weights: np.ndarray
    """(n,) loss weights."""
    real: np.ndarray
    """(n,) bool: a real photo's own features, the only rows that may be scored."""

    def __len__(self) -> int:
        return len(self.labels)

    def __add__(self, other: TrainingRows) -> TrainingRows:
        if not len(self):
            return other
        if not len(other):
            return self
        return TrainingRows(
            features=np.concatenate([self.features, other.features]),
            labels=self.labels + other.labels,
            names=self.names + other.names,
            groups=self.groups + other.groups,
            weights=np.concatenate([self.weights, other.weights]),
            real=np.concatenate([self.real, other.real]),
        )

    @classmethod
    def of(
        cls,
        features: np.ndarray,
        labels: list[str],
        names: list[str],
        groups: list[str],
        weight: float | list[float],
        real: bool,
    ) -> TrainingRows:
        n = len(labels)
        features = np.asarray(features, dtype=np.float32)
        if features.ndim != 2 or len(features) != n or not len(names) == len(groups) == n:
            raise ValueError(f"need (n, dim) features and n labels, names and groups, got {features.shape}")
        return cls(
            features=features,
            labels=tuple(labels),
            names=tuple(names),
            groups=tuple(groups),
            weights=np.broadcast_to(np.asarray(weight, dtype=np.float64), (n,)).copy(),
            real=np.full(n, real, dtype=bool),
        )


@dataclass(frozen=True)
class TrainingOutcome:
    fit: SvmFit
    evaluation: Evaluation | None
    """Out-of-fold predictions on the real rows; None when there were too few to hold any out."""
    augmentation: dict[str, Any]
    counts: dict[str, dict[str, int]]
    """label -> {"real": n, "generated": n, "views": n} of the rows the classifier trained on."""
    seconds: float
    open_set: OpenSetRule
    """When the classifier's answer is "unknown" or "not sure" instead."""

    def info(self, config: TrainingConfig, **extra: Any) -> dict[str, Any]:
        """The training record for model.json and the store's model metrics (JSON-ready)."""
        fit = self.fit
        return {
            "counts": self.counts,
            "c": fit.c,
            "folds": fit.folds,
            "cv_accuracy": fit.cv_accuracy,
            "cv_scores": {str(c): score for c, score in fit.cv_scores.items()},
            "search_rows": fit.search_rows,
            "components": fit.components,
            "energy_kept": round(fit.energy, 6),
            "augmentation": self.augmentation,
            "evaluation": None if self.evaluation is None else _summary(self.evaluation),
            "open_set": self.open_set.summary(),
            "config": config.model_dump(),
            "seconds": round(self.seconds, 3),
            **extra,
        }


def _summary(evaluation: Evaluation) -> dict[str, Any]:
    record = evaluation.as_json()
    record["misclassified"] = record["misclassified"][:20]  # the worst ones; the rest is noise here
    return record


def _fit(rows: TrainingRows, config: TrainingConfig, progress: TrainingProgress | None) -> SvmFit:
    return train_linear_svm(
        rows.features,
        rows.labels,
        weights=rows.weights,
        groups=rows.groups,
        scored=rows.real,
        max_folds=config.folds,
        seed=config.seed,
        workers=config.workers,
        progress=(lambda done, total: progress("training", done, total)) if progress else None,
    )


def _counts(rows: TrainingRows, views: int) -> dict[str, dict[str, int]]:
    real = Counter(label for label, is_real in zip(rows.labels, rows.real, strict=True) if is_real)
    generated = Counter(label for label, is_real in zip(rows.labels, rows.real, strict=True) if not is_real)
    return {
        label: {
            "real": real[label],
            "generated": generated[label],
            "views": views * (real[label] + generated[label]),
        }
        for label in sorted(set(rows.labels))
    }


def fit_rows(
    rows: TrainingRows,
    view_rows: TrainingRows | None,
    config: TrainingConfig,
    progress: TrainingProgress | None = None,
) -> TrainingOutcome:
    """Train on `rows` (+ `view_rows` as the augmentation setting decides) and evaluate on real rows.

    `view_rows` are the views' features, each row in the group of the image it shows; None when
    augmentation is off (they were never computed).
    """
    start = time.perf_counter()
    decision: dict[str, Any] = {"mode": config.augmentation, "views": sorted(VIEWS), "used": False}
    views = view_rows if config.augmentation != "off" else None
    if views is None or not len(views):
        fit = _fit(rows, config, progress)
        decision["reason"] = "off" if config.augmentation == "off" else "no views"
    elif config.augmentation == "on":
        fit = _fit(rows + views, config, progress)
        decision.update(used=True, reason="on")
    else:
        without = _fit(rows, config, progress)
        with_views = _fit(rows + views, config, progress)
        decision["cv_accuracy_without"] = without.cv_accuracy
        decision["cv_accuracy_with"] = with_views.cv_accuracy
        if without.cv_accuracy is None or with_views.cv_accuracy is None:
            fit, decision["reason"] = without, "too few samples to measure whether the views help"
        elif with_views.cv_accuracy > without.cv_accuracy:
            fit, decision["used"], decision["reason"] = with_views, True, "views raised held-out accuracy"
        else:
            fit, decision["reason"] = without, "views did not raise held-out accuracy"
    real = np.flatnonzero(rows.real)
    evaluation = None
    if fit.oof_proba is not None and len(real):
        # The rows of `rows` come first in `rows + views`, so their out-of-fold rows line up.
        evaluation = evaluate_predictions(
            [rows.labels[i] for i in real],
            fit.oof_proba[real],
            fit.model.labels,
            samples=[rows.names[i] for i in real],
        )
    open_set = OpenSetRule.calibrate(
        rows.features,
        rows.labels,
        rows.groups,
        rows.real,
        fit.model.labels,
        None if fit.oof_proba is None else fit.oof_proba[: len(rows)],
        seed=config.seed,
    )
    return TrainingOutcome(
        fit=fit,
        evaluation=evaluation,
        augmentation=decision,
        counts=_counts(rows, len(VIEWS) if decision["used"] else 0),
        seconds=time.perf_counter() - start,
        open_set=open_set,
    )

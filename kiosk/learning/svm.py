"""Training the kiosk's classifier: a linear SVM on backbone features, C by cross-validation.

Why these choices (DESIGN.md section 3):
- A linear SVM on frozen embeddings is what few-shot transfer needs: it trains in seconds on a Pi,
  has one knob (C), and is a matrix at prediction time (`linear_model.py`).
- `class_weight="balanced"`: a visitor who shows 40 apples and 8 pears still gets a pear class.
- C is chosen by stratified *group* k-fold: a generated image and the real photo it was made from
  share a group, so no fold is scored on an image whose source it trained on. Only `scored` rows
  (the real samples) count towards the fold accuracy; generated rows only train.
- Probabilities are Platt-calibrated on the out-of-fold margins of the chosen C, so "90 % sure"
  means something on the kiosk's screen; with too few samples to hold any out, a fixed mild sigmoid
  stands in and the fit says so (`folds == 0`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kiosk.learning.linear_model import LinearModel, unit_rows

C_GRID = (0.01, 0.1, 1.0, 10.0)
"""Candidate C values; unit-length features put the useful range here."""
DEFAULT_C = 1.0
"""C when there are too few samples per class to choose one."""
MIN_FOLDS_FOR_SEARCH = 3
"""Fewer folds than this still calibrate, but are too noisy to choose C."""
UNCALIBRATED_SLOPE = 2.0
"""Sigmoid slope used without held-out margins: a margin of 1 reads as 88 %."""
MAX_ITER = 10_000


class TrainingError(ValueError):
    """Training cannot start: fewer than two classes, mismatched inputs, non-finite features."""


@dataclass(frozen=True)
class SvmFit:
    model: LinearModel
    c: float
    """The C the final model was trained with."""
    folds: int
    """Cross-validation folds used for C and calibration; 0 when there were too few samples."""
    cv_accuracy: float | None
    """Accuracy of the chosen C on held-out scored rows, or None without folds."""
    cv_scores: dict[float, float]
    """Held-out accuracy of every C tried (empty when C was not searched)."""
    oof_proba: np.ndarray | None
    """(n, labels) calibrated out-of-fold probabilities of every training row, or None without folds."""


def _svc(c: float, seed: int):
    from sklearn.svm import LinearSVC

    return LinearSVC(C=c, class_weight="balanced", dual="auto", max_iter=MAX_ITER, random_state=seed)


def _fit(x: np.ndarray, y: np.ndarray, weights: np.ndarray, c: float, seed: int):
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        # At MAX_ITER the solution is within a hair of optimal for unit-length features; a warning
        # per fold would only scare whoever reads the kiosk's log.
        warnings.simplefilter("ignore", ConvergenceWarning)
        return _svc(c, seed).fit(x, y, sample_weight=weights)


def _platt(margins: np.ndarray, positive: np.ndarray) -> tuple[float, float]:
    """(a, b) with p = 1 / (1 + exp(a·d + b)) fitted to held-out margins of one class."""
    from sklearn.linear_model import LogisticRegression

    if positive.all() or not positive.any():
        return -UNCALIBRATED_SLOPE, 0.0
    fit = LogisticRegression(C=1e4, max_iter=1000).fit(margins.reshape(-1, 1), positive)
    return -float(fit.coef_[0, 0]), -float(fit.intercept_[0])


def _folds(classes: np.ndarray, y: np.ndarray, groups: np.ndarray, max_folds: int) -> int:
    """As many folds (up to max_folds) as the class with the fewest groups allows; 0 if under 2."""
    fewest = min(len(np.unique(groups[y == k])) for k in range(len(classes)))
    folds = min(max_folds, fewest)
    return folds if folds >= 2 else 0


def train_linear_svm(
    features: np.ndarray,
    labels: Sequence[str],
    *,
    weights: np.ndarray | None = None,
    groups: Sequence[object] | None = None,
    scored: np.ndarray | None = None,
    c_grid: Sequence[float] = C_GRID,
    max_folds: int = 5,
    seed: int = 0,
) -> SvmFit:
    """Fit the classifier on `features` (n, dim) with one label per row.

    `weights` (n,) scales each row's loss (e.g. generated samples below real ones), `groups` keeps
    related rows in one fold (default: every row its own group), `scored` (n,) bool marks the rows
    whose held-out predictions count (default: all).
    """
    x = unit_rows(np.asarray(features, dtype=np.float32))
    label_list = [str(label) for label in labels]
    if x.ndim != 2 or x.shape[0] != len(label_list):
        raise TrainingError(f"need one label per feature row, got {len(label_list)} labels for {x.shape}")
    if not np.isfinite(x).all():
        raise TrainingError("features contain NaN or infinity")
    classes, y = np.unique(np.array(label_list, dtype=object), return_inverse=True)
    if len(classes) < 2:
        raise TrainingError(f"a classifier needs at least two classes with samples, got {len(classes)}")
    n = len(y)
    weights = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    scored = np.ones(n, dtype=bool) if scored is None else np.asarray(scored, dtype=bool)
    group_ids = (
        np.arange(n)
        if groups is None
        else np.unique(np.asarray(groups, dtype=object), return_inverse=True)[1]
    )
    if weights.shape != (n,) or scored.shape != (n,) or group_ids.shape != (n,):
        raise TrainingError("weights, groups and scored must each have one entry per feature row")

    folds = _folds(classes, y, group_ids, max_folds)
    rows = 1 if len(classes) == 2 else len(classes)
    cv_scores: dict[float, float] = {}
    oof_margins = None
    c = DEFAULT_C
    if folds:
        from sklearn.model_selection import StratifiedGroupKFold

        splits = list(
            StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed).split(x, y, group_ids)
        )
        grid = list(c_grid) if folds >= MIN_FOLDS_FOR_SEARCH else [DEFAULT_C]
        margins_by_c = {}
        for candidate in grid:
            margins = np.zeros((n, rows))
            for train, test in splits:
                if len(np.unique(y[train])) < len(classes):
                    break  # a fold without some class cannot be scored like the final model
                fit = _fit(x[train], y[train], weights[train], candidate, seed)
                margins[test] = fit.decision_function(x[test]).reshape(len(test), rows)
            else:
                predicted = (margins[:, 0] > 0).astype(int) if rows == 1 else margins.argmax(axis=1)
                held_out = scored if scored.any() else np.ones(n, dtype=bool)
                cv_scores[float(candidate)] = float((predicted[held_out] == y[held_out]).mean())
                margins_by_c[float(candidate)] = margins
        if cv_scores:
            # Best held-out accuracy; ties go to the smaller C (the simpler, wider-margin model).
            c = max(sorted(cv_scores), key=lambda value: cv_scores[value])
            oof_margins = margins_by_c[c]
        else:
            folds = 0

    final = _fit(x, y, weights, c, seed)
    coef = final.coef_.reshape(rows, -1)
    intercept = np.asarray(final.intercept_).reshape(rows)
    if oof_margins is not None:
        targets = [y == 1] if rows == 1 else [y == k for k in range(rows)]
        sigmoids = [_platt(oof_margins[:, k], targets[k]) for k in range(rows)]
    else:
        sigmoids = [(-UNCALIBRATED_SLOPE, 0.0)] * rows
    model = LinearModel(
        labels=tuple(str(label) for label in classes),
        coef=coef,
        intercept=intercept,
        sigmoid_a=np.array([a for a, _ in sigmoids]),
        sigmoid_b=np.array([b for _, b in sigmoids]),
    )
    oof_proba = None if oof_margins is None else model.proba_from_margins(oof_margins)
    return SvmFit(
        model=model,
        c=c,
        folds=folds,
        cv_accuracy=cv_scores.get(c),
        cv_scores=cv_scores,
        oof_proba=oof_proba,
    )

"""Real-only vs generated-only vs mixed: does generated data help *on real photos*?

The synthetic-data study (docs/architecture.md#research) found that generated images mixed in naively can
hurt, and that the only trustworthy check is to train three classifiers and score all three on
real held-out data:

- real-only: group k-fold over the real samples;
- mixed: the same folds, the training side adding the generated samples whose source is in it;
- generated-only: trained on every generated sample, scored on every real sample (none of them
  trained it, so no folds are needed).

A generated image is a near-copy of the photo it was made from, so it shares that photo's group:
when a real photo is held out, everything made from it is held out of training too, otherwise the
mixed arm would be scored on photos it has effectively seen. The inputs are plain arrays (not the
store) so the trainer, the coach and the concept-gap bench all run the same check.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kiosk.learning.evaluate import Evaluation, evaluate_predictions
from kiosk.learning.svm import TrainingError, group_folds, train_linear_svm

DEFAULT_FOLDS = 5


@dataclass(frozen=True)
class ArmResult:
    """One of the three classifiers and how it did on real samples."""

    name: str
    evaluation: Evaluation | None
    """Scores on real samples; None when this arm could not be trained (see `skipped`)."""
    trained_real: int
    """Real rows in one training set (the mean over folds for the cross-validated arms)."""
    trained_generated: int
    """Generated rows in one training set (the mean over folds for the cross-validated arms)."""
    skipped: str | None = None
    """Why there is no evaluation, in words."""

    def as_json(self) -> dict[str, Any]:
        return {
            "accuracy": None if self.evaluation is None else self.evaluation.accuracy,
            "trained_real": self.trained_real,
            "trained_generated": self.trained_generated,
            "skipped": self.skipped,
            "evaluation": None if self.evaluation is None else self.evaluation.as_json(),
        }


@dataclass(frozen=True)
class Comparison:
    real_only: ArmResult
    generated_only: ArmResult
    mixed: ArmResult
    real_count: int
    generated_count: int
    folds: int
    """Group folds over the real samples (0 when there were too few to hold any out)."""
    generated_weight: float

    @property
    def mixed_gain(self) -> float | None:
        """Mixed minus real-only accuracy on real samples: what the generated images bought."""
        if self.mixed.evaluation is None or self.real_only.evaluation is None:
            return None
        return self.mixed.evaluation.accuracy - self.real_only.evaluation.accuracy

    def summary(self) -> dict[str, Any]:
        """The three accuracies and the counts, without the evaluations: what a model version keeps
        of the check (its own evaluation is recorded beside it)."""
        arms = (self.real_only, self.generated_only, self.mixed)
        return {
            "real_count": self.real_count,
            "generated_count": self.generated_count,
            **{arm.name: None if arm.evaluation is None else arm.evaluation.accuracy for arm in arms},
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "real_count": self.real_count,
            "generated_count": self.generated_count,
            "folds": self.folds,
            "generated_weight": self.generated_weight,
            "mixed_gain": self.mixed_gain,
            "real_only": self.real_only.as_json(),
            "generated_only": self.generated_only.as_json(),
            "mixed": self.mixed.as_json(),
        }


def _real_folds(labels: np.ndarray, groups: np.ndarray, max_folds: int, seed: int):
    """Stratified group folds over the real rows; [] when some class has fewer than two groups."""
    fewest = min(len(np.unique(groups[labels == label])) for label in np.unique(labels))
    folds = min(max_folds, fewest)
    if folds < 2:
        return []
    return group_folds(folds, seed, labels, groups)


def _cross_validated(
    name: str,
    x: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    names: np.ndarray,
    real: np.ndarray,
    splits: list,
    weight: float,
    use_generated: bool,
    seed: int,
) -> ArmResult:
    real_rows, generated_rows = np.flatnonzero(real), np.flatnonzero(~real)
    labels = sorted(set(y[real]))
    proba = np.zeros((len(real_rows), len(labels)))
    sizes = []
    for train, test in splits:
        train_rows = real_rows[train]
        if use_generated:
            # Only what was made from photos on the training side: the held-out photos' copies stay out.
            held_out = set(groups[real_rows[test]])
            kept = [row for row in generated_rows if groups[row] not in held_out]
            train_rows = np.concatenate([train_rows, np.asarray(kept, dtype=np.intp)])
        weights = np.where(real[train_rows], 1.0, weight)
        fit = train_linear_svm(
            x[train_rows],
            y[train_rows],
            weights=weights,
            groups=groups[train_rows],
            scored=real[train_rows],
            max_folds=len(splits),
            seed=seed,
        )
        fold_proba = fit.model.predict_proba(x[real_rows[test]])
        columns = [labels.index(label) for label in fit.model.labels]
        proba[np.ix_(test, columns)] = fold_proba
        sizes.append((int(real[train_rows].sum()), int((~real[train_rows]).sum())))
    evaluation = evaluate_predictions(y[real_rows], proba, labels, names[real_rows])
    mean_real, mean_generated = np.mean(sizes, axis=0)
    return ArmResult(name, evaluation, round(float(mean_real)), round(float(mean_generated)))


def _generated_only(
    x: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    names: np.ndarray,
    real: np.ndarray,
    max_folds: int,
    seed: int,
) -> ArmResult:
    generated = ~real
    if len(set(y[generated])) < 2:
        found = len(set(y[generated]))
        return ArmResult(
            "generated_only",
            None,
            0,
            int(generated.sum()),
            f"needs generated images of at least two classes, there are {found}",
        )
    fit = train_linear_svm(
        x[generated], y[generated], groups=groups[generated], max_folds=max_folds, seed=seed
    )
    proba = fit.model.predict_proba(x[real])
    evaluation = evaluate_predictions(y[real], proba, fit.model.labels, names[real])
    return ArmResult("generated_only", evaluation, 0, int(generated.sum()))


def compare_training_sets(
    features: np.ndarray,
    labels: Sequence[str],
    is_generated: Sequence[bool] | np.ndarray,
    groups: Sequence[object],
    *,
    names: Sequence[str] | None = None,
    generated_weight: float = 1.0,
    max_folds: int = DEFAULT_FOLDS,
    seed: int = 0,
) -> Comparison:
    """Train the three arms and score each on real samples only.

    `groups` ties every generated row to the real photo it was made from (give real rows their own
    id and their generated rows the same id). `generated_weight` scales generated rows' loss in the
    mixed arm. `max_folds` bounds the folds of the check and of the C search inside each training
    (nested, so C is never chosen on the photos that score it). An arm that cannot be trained (no
    generated images of two classes, fewer than two real photos in some class) is returned with
    `skipped` saying why, never raised.
    """
    x = np.asarray(features, dtype=np.float32)
    y = np.array([str(label) for label in labels], dtype=object)
    generated = np.asarray(is_generated, dtype=bool)
    group_array = np.array([str(group) for group in groups], dtype=object)
    n = len(y)
    if x.ndim != 2 or x.shape[0] != n or generated.shape != (n,) or group_array.shape != (n,):
        raise ValueError(
            f"need one label, is_generated flag and group per feature row: features {x.shape}, "
            f"{n} labels, {generated.shape[0] if generated.ndim else 0} flags, {len(group_array)} groups"
        )
    if not np.isfinite(x).all():
        raise ValueError("features contain NaN or infinity")
    if not generated_weight > 0:
        raise ValueError(f"generated_weight must be positive, got {generated_weight}")
    real = ~generated
    real_labels = set(y[real])
    if len(real_labels) < 2:
        raise TrainingError(
            f"the comparison needs real samples of at least two classes, got {len(real_labels)}"
        )
    name_array = np.array([str(v) for v in names] if names is not None else [str(i) for i in range(n)])
    if len(name_array) != n:
        raise ValueError("need one name per feature row")

    splits = _real_folds(y[real], group_array[real], max_folds, seed)
    if splits:
        common = (x, y, group_array, name_array, real, splits, generated_weight)
        real_only = _cross_validated("real_only", *common, use_generated=False, seed=seed)
        if generated.any():
            mixed = _cross_validated("mixed", *common, use_generated=True, seed=seed)
        else:
            mixed = ArmResult("mixed", None, 0, 0, "there are no generated images to mix in")
    else:
        reason = "needs at least two real photos in every class to hold one out"
        real_only = ArmResult("real_only", None, int(real.sum()), 0, reason)
        mixed = ArmResult("mixed", None, int(real.sum()), int(generated.sum()), reason)
    generated_only = _generated_only(x, y, group_array, name_array, real, max_folds, seed)
    return Comparison(
        real_only=real_only,
        generated_only=generated_only,
        mixed=mixed,
        real_count=int(real.sum()),
        generated_count=int(generated.sum()),
        folds=len(splits),
        generated_weight=float(generated_weight),
    )

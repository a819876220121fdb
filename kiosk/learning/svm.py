"""Training the kiosk's classifier: a linear SVM on backbone features, C by cross-validation.

Why these choices (docs/architecture.md#learning):
- A linear SVM on frozen embeddings is what few-shot transfer needs: it trains in seconds on a Pi,
  has one knob (C), and is a matrix at prediction time (`linear_model.py`).
- `class_weight="balanced"`: a visitor who shows 40 apples and 8 pears still gets a pear class.
- C is chosen by stratified *group* k-fold: a generated image and the real photo it was made from
  share a group, so no fold is scored on an image whose source it trained on. Only `scored` rows
  (the real samples) count towards the fold accuracy; generated rows only train.
- Probabilities are Platt-calibrated on the out-of-fold margins of the chosen C, so "90 % sure"
  means something on the kiosk's screen; with too few samples to hold any out, a fixed mild sigmoid
  stands in and the fit says so (`folds == 0`).
- Speed (10,000 cached samples trained and cross-validated in under 30 s on two cores): every fit
  runs in the span of its training rows (`projection.py`: exact below 256 rows, the 256 strongest
  directions above), large sets use 3 folds instead of 5, and the fits of a search can run on
  `workers` threads (liblinear releases the GIL). Fold bases come from the training rows only, so
  held-out rows never shape what they are scored in.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from kiosk.learning.linear_model import LinearModel, unit_rows
from kiosk.learning.projection import MAX_COMPONENTS, Projection

C_GRID = (0.01, 0.1, 1.0, 10.0)
"""Candidate C values; unit-length features put the useful range here."""
DEFAULT_C = 1.0
"""C when there are too few samples per class to choose one."""
MIN_FOLDS_FOR_SEARCH = 3
"""Fewer folds than this still calibrate, but are too noisy to choose C."""
UNCALIBRATED_SLOPE = 2.0
"""Sigmoid slope used without held-out margins: a margin of 1 reads as 88 %."""
MAX_ITER = 10_000
LARGE_SET = 5000
"""From this many rows on, 3 folds: each fold still holds thousands of rows, and a fit costs ~n."""
LARGE_SET_FOLDS = 3
SEARCH_ROWS = 3000
"""Larger sets choose C on a stratified subset of about this many rows, then cross-validate only
the chosen C on every row (for the held-out accuracy and the calibration)."""

Progress = Callable[[int, int], None]
"""progress(fits done, fits in all): called on the training thread after each SVM fit."""


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
    """Held-out accuracy of every C tried (on `search_rows` rows; empty when C was not searched)."""
    search_rows: int
    """Rows the C search cross-validated: all of them, or a subset of a large set (SEARCH_ROWS)."""
    oof_proba: np.ndarray | None
    """(n, labels) calibrated out-of-fold probabilities of every training row, or None without folds."""
    components: int | None
    """Dimensions the final fit ran in (`projection.py`), or None when it used the features as given."""
    energy: float
    """Share of the features' squared length those dimensions keep (1.0: nothing left out)."""


def _svc(c: float, seed: int):
    from sklearn.svm import LinearSVC

    return LinearSVC(C=c, class_weight="balanced", dual="auto", max_iter=MAX_ITER, random_state=seed)


@dataclass(frozen=True)
class _Space:
    """Training rows as the SVM sees them: projected when that shrinks the problem."""

    projection: Projection | None
    x: np.ndarray

    @classmethod
    def of(cls, x: np.ndarray, max_components: int | None) -> _Space:
        projection = Projection.fit(x, max_components)
        return cls(projection, x if projection is None else projection.apply(x))

    def coordinates(self, x: np.ndarray) -> np.ndarray:
        return x if self.projection is None else self.projection.apply(x)


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
    slope = -float(fit.coef_[0, 0])
    if slope >= 0:
        # The held-out margins rank the class backwards (two photos a class, each held out and
        # missed): a sigmoid fitted to them would turn the SVM's right answers into wrong ones.
        return -UNCALIBRATED_SLOPE, 0.0
    return slope, -float(fit.intercept_[0])


def _folds(classes: np.ndarray, y: np.ndarray, groups: np.ndarray, max_folds: int) -> int:
    """As many folds (up to max_folds) as the class with the fewest groups allows; 0 if under 2."""
    fewest = min(len(np.unique(groups[y == k])) for k in range(len(classes)))
    folds = min(max_folds, fewest)
    return folds if folds >= 2 else 0


class _Runner:
    """One pool of `workers` threads for a training run; counts fits for the progress callback."""

    def __init__(self, workers: int, total: int, progress: Progress | None) -> None:
        self.total, self.done, self.progress = total, 0, progress
        self.pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="svm-fit")

    def tick(self) -> None:
        self.done += 1
        if self.progress:
            self.progress(self.done, self.total)

    def submit(self, task: Callable[[], object]) -> Future:
        return self.pool.submit(task)

    def run(self, tasks: list[Callable[[], object]]) -> list:
        """Results of `tasks` in order; the first exception raised by a task propagates."""
        futures = [self.pool.submit(task) for task in tasks]
        results = []
        for future in futures:
            results.append(future.result())
            self.tick()
        return results


def _final_fit(
    x: np.ndarray, y: np.ndarray, weights: np.ndarray, c: float, seed: int, max_components: int | None
):
    """(basis or None, fitted LinearSVC) on every row."""
    space = _Space.of(x, max_components)
    return space.projection, _fit(space.x, y, weights, c, seed)


def _best(scores: dict[float, float]) -> float:
    """The C with the best held-out accuracy; ties go to the smaller C, the wider-margin model."""
    return max(sorted(scores), key=lambda candidate: scores[candidate])


def group_folds(n_splits: int, seed: int, y: np.ndarray, groups: np.ndarray) -> list[tuple[np.ndarray, ...]]:
    """Stratified folds that keep each group whole, the same for the same rows in the same order.

    Groups are sample ids, random UUIDs: split by their sorted order, the folds changed from one
    training of the same photos to the next, and with them the accuracy a teacher is told and
    whether generated pictures were judged harmful. Each group is numbered by its first row
    instead (rows come in capture order), so only the data decides.
    """
    from sklearn.model_selection import StratifiedGroupKFold

    _, first, codes = np.unique(groups, return_index=True, return_inverse=True)
    arrival = np.argsort(np.argsort(first))
    splitter = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(y)), y, arrival[codes]))


def _search_rows(y: np.ndarray, groups: np.ndarray, folds: int, seed: int) -> np.ndarray | None:
    """A stratified, group-whole subset of about SEARCH_ROWS rows to choose C on, or None when the
    set is small enough to search whole (or a subset would be too thin to cross-validate)."""
    n = len(y)
    if n <= SEARCH_ROWS:
        return None
    _, subset = group_folds(-(-n // SEARCH_ROWS), seed, y, groups)[0]
    classes = np.unique(y)
    if len(np.unique(y[subset])) < len(classes) or _folds(classes, y[subset], groups[subset], folds) < folds:
        return None
    return np.sort(subset)


@dataclass(frozen=True)
class _CrossValidation:
    """Held-out margins of rows, by stratified group k-fold, for each C of a grid."""

    x: np.ndarray
    y: np.ndarray
    weights: np.ndarray
    groups: np.ndarray
    scored: np.ndarray
    rows: int
    """Margins per row: 1 for two classes, else one per class."""
    folds: int
    seed: int
    max_components: int | None
    runner: _Runner

    def __call__(self, index: np.ndarray, grid: list[float]) -> dict[float, tuple[float, np.ndarray]]:
        """C -> (accuracy on the scored rows of `index`, (len(index), rows) margins); empty when a
        fold would miss a class (it could not be scored like the final model)."""
        x, y, weights = self.x[index], self.y[index], self.weights[index]
        splits = group_folds(self.folds, self.seed, y, self.groups[index])
        if any(len(np.unique(y[train])) < len(np.unique(y)) for train, _ in splits):
            return {}
        spaces = self.runner.run(
            [lambda t=train: _Space.of(x[t], self.max_components) for train, _ in splits]
        )

        def held_out_margins(c: float, fold: int) -> np.ndarray:
            (train, test), space = splits[fold], spaces[fold]
            fit = _fit(space.x, y[train], weights[train], c, self.seed)
            return fit.decision_function(space.coordinates(x[test])).reshape(len(test), self.rows)

        results = self.runner.run(
            [lambda c=c, f=f: held_out_margins(c, f) for c in grid for f in range(len(splits))]
        )
        scored = self.scored[index]
        counted = scored if scored.any() else np.ones(len(index), dtype=bool)
        out = {}
        for i, c in enumerate(grid):
            margins = np.zeros((len(index), self.rows))
            for fold, (_, test) in enumerate(splits):
                margins[test] = results[i * len(splits) + fold]
            predicted = (margins[:, 0] > 0).astype(int) if self.rows == 1 else margins.argmax(axis=1)
            out[c] = (float((predicted[counted] == y[counted]).mean()), margins)
        return out


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
    max_components: int | None = MAX_COMPONENTS,
    workers: int = 1,
    progress: Progress | None = None,
) -> SvmFit:
    """Fit the classifier on `features` (n, dim) with one label per row.

    `weights` (n,) scales each row's loss (e.g. generated samples below real ones), `groups` keeps
    related rows in one fold (default: every row its own group), `scored` (n,) bool marks the rows
    whose held-out predictions count (default: all). `max_components` caps the dimensions a fit
    runs in (None: the features' own, only exact projections), `workers` is the number of threads
    for the cross-validation fits.
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
    if not (np.isfinite(weights).all() and (weights > 0).all()):
        raise TrainingError("weights must be positive and finite")

    fold_cap = min(max_folds, LARGE_SET_FOLDS) if n >= LARGE_SET else max_folds
    folds = _folds(classes, y, group_ids, fold_cap)
    rows = 1 if len(classes) == 2 else len(classes)
    grid = [float(v) for v in c_grid] if folds >= MIN_FOLDS_FOR_SEARCH else [DEFAULT_C]
    search = _search_rows(y, group_ids, folds, seed) if len(grid) > 1 else None
    fits = (len(grid) + 1) * folds + (0 if search is None else 2 * folds)
    runner = _Runner(workers, fits + 1, progress)
    try:
        validate = _CrossValidation(
            x, y, weights, group_ids, scored, rows, folds, seed, max_components, runner
        )
        c, cv_scores, cv_accuracy, oof_margins, final_job = DEFAULT_C, {}, None, None, None
        if folds:
            if search is not None:
                searched = validate(search, grid)
                cv_scores = {candidate: score for candidate, (score, _) in searched.items()}
                if cv_scores:
                    # C is settled: the final fit runs beside the held-out fits of every row.
                    c = _best(cv_scores)
                    grid = [c]
                    final_job = runner.submit(lambda: _final_fit(x, y, weights, c, seed, max_components))
            held_out = validate(np.arange(n), grid)
            if search is None:
                cv_scores = {candidate: score for candidate, (score, _) in held_out.items()}
            if held_out:
                c = _best({candidate: score for candidate, (score, _) in held_out.items()})
                cv_accuracy, oof_margins = held_out[c]
            else:
                folds = 0
        projection, final = (
            final_job.result() if final_job else _final_fit(x, y, weights, c, seed, max_components)
        )
        runner.tick()
    finally:
        runner.pool.shutdown(cancel_futures=True)
    coef = np.asarray(final.coef_, dtype=np.float64).reshape(rows, -1)
    if projection is not None:
        coef = projection.fold_back(coef)
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
        cv_accuracy=cv_accuracy,
        search_rows=n if search is None else len(search),
        cv_scores=cv_scores,
        oof_proba=oof_proba,
        components=None if projection is None else projection.components,
        energy=1.0 if projection is None else projection.energy,
    )

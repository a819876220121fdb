"""Open-set answers: when the classifier should say "I don't know this one" or "not sure", not a label.

A linear SVM has an answer for every input: trained on discs and squares, it calls an empty grey
backdrop "square" at 84 %. Two checks, both calibrated on the training set when the model is
trained and stored beside it (`open_set.npz`), turn such answers into rejections:

- **novelty** ("unknown"): the distance from the image's features (unit length) to the
  `neighbours`-th nearest training feature of any class. The limit is taken from the training set
  itself: every real photo's distance to the others with its own group left out (its views and
  generated variations would otherwise stand beside it), at a high quantile, widened by half
  that quantile's distance from the median so the final model, which has one more photo to stand
  near, is not stricter than its calibration. The second-nearest neighbour, not the nearest, so
  one stray capture (an empty backdrop saved as "ball") does not make the backdrop known.
- **confidence** ("unsure"): the most likely class's probability below a threshold chosen on the
  out-of-fold probabilities the trainer already computes: the highest value (at most
  `MAX_CONFIDENCE`) that would have turned away at most `CONFIDENCE_BUDGET` of the real photos
  the held-out models got right. An unsure answer names the two most likely classes.

Both checks cost one matrix product with the stored features (under 1 ms for thousands of rows).
The rule is NumPy only and imports only its sibling `linear_model` (relatively): an exported
bundle carries this file unchanged (`kiosk/export/bundle.py`), so the bundle, `teachbooth predict`
and the kiosk turn the same images away.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from .linear_model import ModelFileError, read_versioned, save_arrays, unit_rows

FORMAT = "teachbooth-open-set"
VERSION = 1
FIELDS = ("format", "version", "reference", "neighbours", "max_distance", "min_confidence")
NEIGHBOURS = 2
"""Which nearest training feature measures novelty: the second, so one stray photo is not enough."""
NOVELTY_QUANTILE = 0.99
"""Share of the training photos' own held-out distances the novelty limit covers before widening."""
NOVELTY_WIDENING = 0.5
"""The limit is the quantile plus this share of (quantile - median) of those distances."""
MIN_DISTANCE = 0.3
"""No limit below this: photos of one scene taken twice would otherwise make every new photo novel
(in-distribution photos of the rendered test sets lie 0.2 to 0.46 from their nearest neighbour)."""
CONFIDENCE_BUDGET = 0.01
"""Share of the correct out-of-fold answers the confidence threshold may turn away."""
MAX_CONFIDENCE = 0.8
"""The confidence threshold never exceeds this, however sure the held-out answers were."""
MAX_REFERENCE = 4000
"""Training features kept for the novelty check (float16, 2.5 kB each at 1280 dimensions): a
larger set is subsampled, evenly per class."""
CHUNK = 512
"""Rows per block when measuring distances, to bound memory on large sets."""

Reason = Literal["unknown", "unsure"]


@dataclass(frozen=True)
class Rejection:
    """Why an answer was withheld."""

    reason: Reason
    """"unknown": unlike every training photo; "unsure": too close a call between classes."""
    candidates: tuple[str, str]
    """The two most likely classes, most likely first (what an unsure answer asks about)."""

    def as_json(self) -> dict[str, object]:
        if self.reason == "unsure":
            return {"reason": self.reason, "candidates": list(self.candidates)}
        return {"reason": self.reason}


def _kth_distances(queries: np.ndarray, reference: np.ndarray, k: int, exclude: np.ndarray | None = None):
    """(n,) distance from each unit-length query to its k-th nearest reference row; `exclude` (n, m)
    bool marks pairs that do not count (inf when fewer than k rows count)."""
    out = np.empty(len(queries), dtype=np.float64)
    for start in range(0, len(queries), CHUNK):
        block = queries[start : start + CHUNK]
        squared = np.maximum(2.0 - 2.0 * (block @ reference.T).astype(np.float64), 0.0)
        if exclude is not None:
            squared[exclude[start : start + CHUNK]] = np.inf
        kth = min(k, reference.shape[0]) - 1
        out[start : start + CHUNK] = np.sqrt(np.partition(squared, kth, axis=1)[:, kth])
    return out


def _reference_rows(labels: np.ndarray, limit: int, seed: int) -> np.ndarray:
    """Indices of at most `limit` rows, the same share of every class, in their original order."""
    if len(labels) <= limit:
        return np.arange(len(labels))
    rng = np.random.default_rng(seed)
    kept = []
    for label in np.unique(labels):
        rows = np.flatnonzero(labels == label)
        share = max(1, round(limit * len(rows) / len(labels)))
        kept.append(rng.choice(rows, size=min(share, len(rows)), replace=False))
    return np.sort(np.concatenate(kept))


def confidence_threshold(oof_proba: np.ndarray | None, truth: np.ndarray) -> float:
    """The "unsure" threshold from out-of-fold probabilities (n, labels) and true label indices (n,).

    0 (never unsure) without held-out answers or when none was right: there is nothing to calibrate on.
    """
    if oof_proba is None or not len(truth):
        return 0.0
    top = oof_proba.max(axis=1)
    right = top[oof_proba.argmax(axis=1) == truth]
    if not len(right):
        return 0.0
    return float(min(np.quantile(right, CONFIDENCE_BUDGET, method="lower"), MAX_CONFIDENCE))


def novelty_limit(distances: np.ndarray) -> float:
    """The "unknown" limit from the training photos' held-out neighbour distances."""
    finite = distances[np.isfinite(distances)]
    if not len(finite):
        return float("inf")
    high, median = np.quantile(finite, NOVELTY_QUANTILE), np.median(finite)
    return float(max(high + NOVELTY_WIDENING * (high - median), MIN_DISTANCE))


@dataclass(frozen=True)
class OpenSetRule:
    """What the two checks need: the training features, and the two calibrated limits."""

    reference: np.ndarray
    """(n, dim) float32 unit-length training features (stored as float16)."""
    neighbours: int
    max_distance: float
    """Novelty limit: farther than this from the `neighbours`-th nearest training feature is unknown."""
    min_confidence: float
    """Below this probability for the most likely class the answer is unsure (0: never)."""

    def __post_init__(self) -> None:
        reference = np.asarray(self.reference, dtype=np.float32)
        if reference.ndim != 2 or not len(reference) or not np.isfinite(reference).all():
            raise ModelFileError(f"open-set reference must be finite (n, dim) rows, got {reference.shape}")
        if self.neighbours < 1 or not 0.0 <= self.min_confidence <= 1.0 or not self.max_distance > 0:
            raise ModelFileError("open-set limits out of range")
        object.__setattr__(self, "reference", reference)

    @classmethod
    def calibrate(
        cls,
        features: np.ndarray,
        labels: Sequence[str],
        groups: Sequence[object],
        real: np.ndarray,
        classes: Sequence[str],
        oof_proba: np.ndarray | None,
        seed: int = 0,
    ) -> OpenSetRule:
        """The rule for a classifier over `classes` trained on `features` (n, dim) with their `labels`,
        fold `groups` and `real` mask; `oof_proba` (n, len(classes)) are its out-of-fold probabilities
        (None when there were too few samples to hold any out)."""
        label_array = np.asarray([str(label) for label in labels], dtype=object)
        group_ids = np.unique(np.asarray([str(g) for g in groups], dtype=object), return_inverse=True)[1]
        real = np.asarray(real, dtype=bool)
        units = unit_rows(features).astype(np.float16).astype(np.float32)
        kept = _reference_rows(label_array, MAX_REFERENCE, seed)
        reference = units[kept]
        probes = np.flatnonzero(real) if real.any() else np.arange(len(units))
        own_group = group_ids[probes][:, None] == group_ids[kept][None, :]
        distances = _kth_distances(units[probes], reference, NEIGHBOURS, exclude=own_group)
        index = {label: i for i, label in enumerate(classes)}
        truth = np.array([index[label] for label in label_array[probes]], dtype=np.int64)
        return cls(
            reference=reference,
            neighbours=NEIGHBOURS,
            max_distance=novelty_limit(distances),
            min_confidence=confidence_threshold(None if oof_proba is None else oof_proba[probes], truth),
        )

    def novelty(self, features: np.ndarray) -> np.ndarray:
        """(n,) distance of each feature row to its `neighbours`-th nearest training feature."""
        return _kth_distances(unit_rows(features), self.reference, self.neighbours)

    def judge(
        self, features: np.ndarray, probabilities: np.ndarray, labels: Sequence[str]
    ) -> list[Rejection | None]:
        """For each row: None when its most likely label stands, else why it does not."""
        distances = self.novelty(features)
        out: list[Rejection | None] = []
        for distance, row in zip(distances, np.asarray(probabilities), strict=True):
            first, second = (int(i) for i in np.argsort(-row, kind="stable")[:2])
            candidates = (labels[first], labels[second])
            if distance > self.max_distance:
                out.append(Rejection("unknown", candidates))
            elif row[first] < self.min_confidence:
                out.append(Rejection("unsure", candidates))
            else:
                out.append(None)
        return out

    def summary(self) -> dict[str, float | int]:
        """The limits, for the training record people read."""
        return {
            "reference_rows": len(self.reference),
            "neighbours": self.neighbours,
            "max_distance": round(self.max_distance, 6),
            "min_confidence": round(self.min_confidence, 6),
        }

    def save(self, path: str | Path) -> None:
        save_arrays(
            Path(path),
            FORMAT,
            VERSION,
            reference=self.reference.astype(np.float16),
            neighbours=np.array(self.neighbours),
            max_distance=np.array(self.max_distance),
            min_confidence=np.array(self.min_confidence),
        )

    @classmethod
    def load(cls, path: str | Path) -> OpenSetRule:
        path = Path(path)
        arrays = read_versioned(path, FIELDS, "open-set rule", FORMAT, VERSION)
        try:
            return cls(
                reference=arrays["reference"],
                neighbours=int(arrays["neighbours"]),
                max_distance=float(arrays["max_distance"]),
                min_confidence=float(arrays["min_confidence"]),
            )
        except (ValueError, TypeError) as exc:
            raise ModelFileError(f"{path}: {exc}") from None

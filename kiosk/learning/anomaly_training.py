"""Fitting the anomaly detector (`anomaly.py`) on good parts, and its threshold on parts it never saw.

The threshold cannot come from the parts in the bank: each of them finds *itself* there, at distance
zero. So the good parts are split into `FOLDS` folds; each fold is scored against a bank built
(coreset and all, exactly as the final one) from the other folds, which gives every good part an
out-of-fold score. The threshold is the `GOOD_QUANTILE` quantile of those scores: about
1 - GOOD_QUANTILE of good parts raise a false alarm, which is what a line can live with (a
false alarm costs a second look; a threshold tuned on defects nobody has would be a guess). The
final bank holds every good part, so new good parts score a little lower than their out-of-fold
scores did: the threshold errs on the side of fewer false alarms.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from kiosk.learning.anomaly import FEATURE_MAP, AnomalyDetector, nearest_distances, patch_features
from kiosk.learning.coreset import greedy_k_center
from kiosk.learning.svm import TrainingError

BANK_SHARE = 0.1
"""The coreset keeps this share of the good patches ..."""
MAX_BANK = 4000
"""... but no more rows than this (scoring a part costs one product with the bank: ~3 ms at 4,000)."""
FOLDS = 5
MIN_GOOD = 5
"""Fewer good parts cannot both fill a bank and say how far a new good part may lie from it."""
GOOD_QUANTILE = 0.98


@dataclass(frozen=True)
class AnomalyFit:
    detector: AnomalyDetector
    oof_scores: np.ndarray
    """(n,) every good part's score against a bank built without it."""
    seconds: float

    def info(self, **extra: Any) -> dict[str, Any]:
        """The training record for model.json (JSON-ready)."""
        scores = self.oof_scores
        return {
            "good": len(scores),
            "bank_rows": len(self.detector.bank),
            "folds": min(FOLDS, len(scores)),
            "threshold": round(self.detector.threshold, 6),
            "good_quantile": GOOD_QUANTILE,
            "oof_good_scores": {
                "median": round(float(np.median(scores)), 6),
                "max": round(float(scores.max()), 6),
                "false_alarms": int((scores > self.detector.threshold).sum()),
            },
            "seconds": round(self.seconds, 3),
            **extra,
        }


def coreset_bank(patches: np.ndarray, seed: int) -> np.ndarray:
    """The memory bank of (n, channels) unit-length patches, rounded to the float16 it is stored as."""
    k = min(MAX_BANK, max(1, math.ceil(BANK_SHARE * len(patches))))
    bank = patches[greedy_k_center(patches, k, seed)]
    return bank.astype(np.float16).astype(np.float32)


def fit_anomaly(grids: np.ndarray, seed: int = 0) -> AnomalyFit:
    """The detector for good parts' feature maps `grids` (n, h, w, channels), threshold out of fold."""
    start = time.perf_counter()
    n = len(grids)
    if n < MIN_GOOD:
        raise TrainingError(f"teaching from good parts needs at least {MIN_GOOD} photos of them, got {n}")
    patches = np.stack([patch_features(grid) for grid in grids])
    rng = np.random.default_rng(seed)
    fold_of = rng.permutation(n) % min(FOLDS, n)
    oof = np.empty(n, dtype=np.float32)
    patch_scores = []
    for fold in np.unique(fold_of):
        held = fold_of == fold
        bank = coreset_bank(patches[~held].reshape(-1, patches.shape[2]), seed)
        scores = nearest_distances(patches[held].reshape(-1, patches.shape[2]), bank).reshape(held.sum(), -1)
        oof[held] = scores.max(axis=1)
        patch_scores.append(scores.ravel())
    threshold = float(np.quantile(oof, GOOD_QUANTILE))
    floor = float(np.median(np.concatenate(patch_scores)))
    detector = AnomalyDetector(
        bank=coreset_bank(patches.reshape(-1, patches.shape[2]), seed),
        threshold=max(threshold, floor + 1e-6),
        floor=floor,
        grid=(grids.shape[1], grids.shape[2]),
        feature_map=FEATURE_MAP,
    )
    return AnomalyFit(detector, oof, time.perf_counter() - start)

"""Greedy k-center coreset: a few thousand patches that stand in for hundreds of thousands.

2,000 good parts give ~400,000 patches; scoring a part against all of them would cost more than the
backbone. The greedy k-center rule (PatchCore's coreset) picks, again and again, the patch farthest
from every one picked so far, so no good patch is far from the bank: a random subset of the same size
leaves holes that read as anomalies. Distances while picking are measured in a random projection to
`PROJECTION_DIM` dimensions (as PatchCore does), over a random pool of at most `MAX_POOL` patches:
each pick then costs one pass over the pool, and the whole selection a few seconds on two cores.
"""

from __future__ import annotations

import numpy as np

PROJECTION_DIM = 32
MAX_POOL = 40_000


def greedy_k_center(points: np.ndarray, k: int, seed: int = 0) -> np.ndarray:
    """Indices of `k` rows of `points` (n, dim) chosen by greedy k-center (all rows if n <= k)."""
    n = len(points)
    if n <= k:
        return np.arange(n)
    rng = np.random.default_rng(seed)
    pool = np.sort(rng.choice(n, MAX_POOL, replace=False)) if n > MAX_POOL else np.arange(n)
    x = np.asarray(points[pool], dtype=np.float32)
    if x.shape[1] > PROJECTION_DIM:
        x = x @ (rng.normal(size=(x.shape[1], PROJECTION_DIM)) / np.sqrt(PROJECTION_DIM)).astype(np.float32)
    lengths = (x * x).sum(axis=1)
    chosen = np.empty(k, dtype=np.int64)
    chosen[0] = rng.integers(len(x))
    nearest = np.full(len(x), np.inf, dtype=np.float32)
    for i in range(k):
        if i:
            chosen[i] = int(nearest.argmax())
        c = chosen[i]
        # |x - c|^2 as one matrix-vector product: no (n, dim) temporary per pick
        np.minimum(nearest, lengths - 2.0 * (x @ x[c]) + lengths[c], out=nearest)
    return pool[chosen]

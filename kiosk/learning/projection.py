"""Training in the span of the data: a smaller, equivalent problem for the linear SVM.

A linear SVM's weight vector is a combination of its training rows (the representer theorem), so
rotating the features onto an orthonormal basis of the rows' span and training there gives the
same classifier, and `fold_back` turns its (k,) weights into the (dim,) weights `LinearModel`
stores. With fewer rows than the backbone has dimensions (a visitor's 40 photos, 1280 features)
this is exact. With more rows, the basis is cut to the `max_components` strongest directions of
the (uncentred) feature cloud: liblinear's cost grows with the dimension, and at 10,000 rows 256
components fit ~7x faster than 1,280 with the same held-out accuracy on backbone features, whose
energy is concentrated (bench/training_time.py measures both). `energy` records the share kept,
so a model trained on a flat, noise-like cloud says how much it left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_COMPONENTS = 256
"""Directions kept when the rows span more than this; see the module docstring."""
RANK_TOLERANCE = 1e-6
"""Directions with less than this share of the strongest direction's energy count as absent."""


@dataclass(frozen=True)
class Projection:
    basis: np.ndarray
    """(dim, k) float32 orthonormal columns."""
    energy: float
    """Share of the rows' squared length the basis keeps: 1.0 when the projection is exact."""

    @property
    def components(self) -> int:
        return int(self.basis.shape[1])

    @classmethod
    def fit(cls, x: np.ndarray, max_components: int | None = MAX_COMPONENTS) -> Projection | None:
        """The basis for rows `x` (n, dim); None when it would not shrink the problem."""
        n, dim = x.shape
        limit = dim if max_components is None else min(dim, max_components)
        if n >= dim and limit >= dim:
            return None
        # Few rows: the span from the small (n, n) Gram matrix, whose eigenvectors u give the
        # directions x.T @ u / sqrt(eigenvalue). Many rows: the (dim, dim) one gives them directly.
        few = n <= dim
        values, vectors = np.linalg.eigh((x @ x.T if few else x.T @ x).astype(np.float64))
        # Strongest first, copied: matmul with reversed strides leaves BLAS for a loop 10x slower.
        values, vectors = values[::-1].copy(), np.ascontiguousarray(vectors[:, ::-1])
        total = float(values.clip(min=0).sum())
        if total <= 0:
            return None
        rank = int((values > RANK_TOLERANCE * values[0]).sum())
        k = min(rank, limit)
        if k >= dim:
            return None
        top = vectors[:, :k]
        basis = (x.T.astype(np.float64) @ top) / np.sqrt(values[:k]) if few else top
        return cls(basis=basis.astype(np.float32), energy=float(values[:k].sum() / total))

    def apply(self, x: np.ndarray) -> np.ndarray:
        """(n, k) coordinates of rows `x` (n, dim) in the basis."""
        return x @ self.basis

    def fold_back(self, coef: np.ndarray) -> np.ndarray:
        """(m, dim) weights acting on the original features, from (m, k) weights on the coordinates."""
        return np.asarray(coef, dtype=np.float64) @ self.basis.T.astype(np.float64)

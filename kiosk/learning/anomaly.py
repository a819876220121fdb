"""An anomaly detector taught from good parts only: a memory bank of patch features (PatchCore-style).

A line worker rarely has defective parts to show, so a one-class project learns what *good* looks
like, patch by patch (docs/architecture.md#inspection):

- a part's **patches** are the cells of the backbone's mid-level map (14x14 cells of 112 channels
  for EfficientNet-Lite0, each seeing a ~16-pixel neighbourhood), each scaled to unit length: deep
  enough to know grain from a crack, local enough that a 2-pixel mark fills its cell. (Averaging
  cells 3x3, as PatchCore does on larger maps, blurred the rendered defects away: AUROC 0.69-0.91
  against 0.93-0.99.)
- the **memory bank** holds a greedy k-center coreset of the good parts' patches (`coreset.py`), so
  every good patch has a bank patch near it and the bank stays a few thousand rows;
- a patch's **score** is its distance to the nearest bank patch, a part's score the largest of its
  patch scores: one patch unlike every good one is enough;
- the **threshold** comes from good parts the bank never saw (`anomaly_training.py`).

The heat map is the patch scores over the picture (`heatmap.py`). This file imports NumPy, the
standard library and its sibling `linear_model` only (relatively): model bundles carry it
unchanged, so a bundle and `teachbooth predict` score the same parts alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .linear_model import ModelFileError, read_versioned, save_arrays

FORMAT = "teachbooth-anomaly"
VERSION = 1
FIELDS = ("format", "version", "bank", "threshold", "floor", "grid", "feature_map")
FEATURE_MAP = "mid"
"""Which of the backbone's maps (`kiosk/features/graph.py`) the patches come from."""
CHUNK = 2048
"""Patches scored per block, to bound memory (CHUNK x bank rows of float32)."""


def patch_features(grid: np.ndarray) -> np.ndarray:
    """(h * w, channels) unit-length patch features of one (h, w, channels) feature map."""
    cells = np.asarray(grid, dtype=np.float32).reshape(-1, grid.shape[-1])
    return cells / np.maximum(np.linalg.norm(cells, axis=1, keepdims=True), np.float32(1e-12))


def nearest_distances(patches: np.ndarray, bank: np.ndarray) -> np.ndarray:
    """(n,) Euclidean distance from each unit-length patch to its nearest bank row."""
    out = np.empty(len(patches), dtype=np.float32)
    for start in range(0, len(patches), CHUNK):
        block = patches[start : start + CHUNK]
        similarity = (block @ bank.T).max(axis=1)
        out[start : start + CHUNK] = np.sqrt(np.maximum(2.0 - 2.0 * similarity, 0.0))
    return out


@dataclass(frozen=True)
class AnomalyDetector:
    bank: np.ndarray
    """(k, channels) float32 unit-length good patches (stored as float16)."""
    threshold: float
    """A part whose score is above this is an anomaly."""
    floor: float
    """The median patch score of held-out good parts: where a heat map starts to show."""
    grid: tuple[int, int]
    """(h, w) of the feature map the patches come from."""
    feature_map: str = FEATURE_MAP

    def __post_init__(self) -> None:
        bank = np.asarray(self.bank, dtype=np.float32)
        if bank.ndim != 2 or not len(bank) or not np.isfinite(bank).all():
            raise ModelFileError(
                f"an anomaly memory bank must be finite (k, channels) rows, got {bank.shape}"
            )
        if not (np.isfinite(self.threshold) and 0 <= self.floor < self.threshold):
            raise ModelFileError("anomaly threshold out of range")
        if len(self.grid) != 2 or min(self.grid) < 1:
            raise ModelFileError(f"an anomaly grid must be (h, w), got {self.grid}")
        object.__setattr__(self, "bank", bank)
        object.__setattr__(self, "grid", (int(self.grid[0]), int(self.grid[1])))

    @property
    def channels(self) -> int:
        return int(self.bank.shape[1])

    def patch_scores(self, grid: np.ndarray) -> np.ndarray:
        """(h, w) score of every patch of one part's feature map."""
        if tuple(grid.shape) != (*self.grid, self.channels):
            raise ValueError(f"expected a {(*self.grid, self.channels)} feature map, got {grid.shape}")
        return nearest_distances(patch_features(grid), self.bank).reshape(self.grid)

    def score(self, grid: np.ndarray) -> float:
        """The part's anomaly score: its least familiar patch's."""
        return float(self.patch_scores(grid).max())

    def save(self, path: str | Path) -> None:
        save_arrays(
            Path(path),
            FORMAT,
            VERSION,
            bank=self.bank.astype(np.float16),
            threshold=np.array(self.threshold),
            floor=np.array(self.floor),
            grid=np.array(self.grid),
            feature_map=np.array(self.feature_map),
        )

    @classmethod
    def load(cls, path: str | Path) -> AnomalyDetector:
        path = Path(path)
        arrays = read_versioned(path, FIELDS, "anomaly detector", FORMAT, VERSION)
        try:
            return cls(
                bank=arrays["bank"],
                threshold=float(arrays["threshold"]),
                floor=float(arrays["floor"]),
                grid=tuple(int(v) for v in arrays["grid"]),
                feature_map=str(arrays["feature_map"]),
            )
        except (ValueError, TypeError) as exc:
            raise ModelFileError(f"{path}: {exc}") from None

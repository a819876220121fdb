"""A trained linear SVM with calibrated probabilities, evaluated with NumPy alone.

The classifier is stored as numbers, not as a pickled scikit-learn estimator: a pickle runs code
when it is loaded (a model file from a USB stick must not), is tied to the scikit-learn version that
wrote it (a kiosk updated in three years must still read today's models), and the standalone
predictor of an exported bundle may need nothing but NumPy. A one-vs-rest linear SVM on the
backbone's features is one weight vector and bias per class plus a Platt sigmoid per class, so
that is what `classifier.npz` holds.

This file imports NumPy and the standard library only, no other project module: the model bundle
carries a verbatim copy of it, so the kiosk, the CLI and the bundle's `predict.py` compute
probabilities with the same code.

Probabilities follow scikit-learn's sigmoid calibration of a one-vs-rest SVM: features are scaled
to unit length, each class's margin d = w·x + b goes through its sigmoid 1 / (1 + exp(a·d + c)), and
the per-class values are normalised to sum to one. Two classes have a single margin (for the second
label) and p(first) = 1 - p(second).
"""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FORMAT = "teachbooth-linear-svm"
VERSION = 1
FIELDS = ("format", "version", "labels", "coef", "intercept", "sigmoid_a", "sigmoid_b")
MAX_LABELS = 1000
MAX_DIM = 1 << 16


class ModelFileError(ValueError):
    """A classifier file that is missing, unreadable, from a newer version or inconsistent."""


def unit_rows(features: np.ndarray) -> np.ndarray:
    """Rows scaled to unit L2 length (zero rows stay zero): embeddings compare by direction."""
    features = np.asarray(features, dtype=np.float32)
    norms = np.linalg.norm(features, axis=1, keepdims=True)
    return features / np.maximum(norms, np.float32(1e-12))


def write_atomically(path: Path, data: bytes | memoryview) -> None:
    """Write `data` to a temporary file, fsync it and rename it over `path`: a crash or a full disk
    leaves the old file (and no temporary one)."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        with open(temporary, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def read_arrays(path: Path, fields: tuple[str, ...], what: str) -> dict[str, np.ndarray]:
    """The named arrays of one of TeachBooth's .npz files (never unpickled), or a ModelFileError
    that says what is wrong with the file: missing, truncated, not a zip, pickled, fields missing."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            missing = [name for name in fields if name not in archive.files]
            if missing:
                raise ModelFileError(f"{path}: not a TeachBooth {what} (missing {', '.join(missing)})")
            return {name: archive[name] for name in fields}
    except ModelFileError:
        raise
    except FileNotFoundError:
        raise ModelFileError(f"{path}: no {what} file") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:  # truncated, not a zip, pickled
        raise ModelFileError(f"{path}: unreadable {what} file ({exc})") from None


def save_arrays(path: Path, format: str, version: int, **arrays: np.ndarray) -> None:
    """Write one of TeachBooth's .npz files atomically, named by `format` and `version`.

    The archive is built in memory first: `np.savez` writing to a full disk masks the
    OSError(ENOSPC) with zipfile's "seek of closed file"; one plain write raises the real one (and
    the temporary file is removed).
    """
    archive = io.BytesIO()
    np.savez(archive, format=np.array(format), version=np.array(version), **arrays)
    write_atomically(path, archive.getbuffer())


def read_versioned(
    path: Path, fields: tuple[str, ...], what: str, format: str, version: int
) -> dict[str, np.ndarray]:
    """`read_arrays` of a file written by `save_arrays`; a ModelFileError for another format, or
    for a newer version than this software reads."""
    arrays = read_arrays(path, fields, what)
    if str(arrays["format"]) != format:
        raise ModelFileError(f"{path}: not a TeachBooth {what} (format {str(arrays['format'])!r})")
    if int(arrays["version"]) > version:
        raise ModelFileError(
            f"{path}: {what} format version {int(arrays['version'])} is newer than this"
            f" software reads ({version}); update TeachBooth"
        )
    return arrays


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + exp(-z)), without overflow warnings


@dataclass(frozen=True)
class LinearModel:
    """The classifier: `labels` in output order, one margin row per class (one for two classes)."""

    labels: tuple[str, ...]
    coef: np.ndarray
    """(m, dim) float64, m = 1 for two labels, else one row per label."""
    intercept: np.ndarray
    """(m,) float64."""
    sigmoid_a: np.ndarray
    """(m,) Platt slope: p = 1 / (1 + exp(a·d + b)) for a margin d, so a < 0 when calibrated."""
    sigmoid_b: np.ndarray
    """(m,) Platt offset."""

    def __post_init__(self) -> None:
        labels = self.labels
        if len(labels) < 2 or len(labels) > MAX_LABELS:
            raise ModelFileError(f"a classifier needs 2 to {MAX_LABELS} labels, got {len(labels)}")
        if len(set(labels)) != len(labels) or not all(isinstance(label, str) and label for label in labels):
            raise ModelFileError("classifier labels must be distinct, non-empty text")
        rows = 1 if len(labels) == 2 else len(labels)
        coef = np.asarray(self.coef, dtype=np.float64)
        if coef.ndim != 2 or coef.shape[0] != rows or not 0 < coef.shape[1] <= MAX_DIM:
            raise ModelFileError(f"coef must be ({rows}, dim) for {len(labels)} labels, got {coef.shape}")
        vectors = {}
        for name in ("intercept", "sigmoid_a", "sigmoid_b"):
            vectors[name] = np.asarray(getattr(self, name), dtype=np.float64)
            if vectors[name].shape != (rows,):
                raise ModelFileError(f"{name} must have shape ({rows},), got {vectors[name].shape}")
        if not all(np.isfinite(v).all() for v in (coef, *vectors.values())):
            raise ModelFileError("classifier numbers must be finite")
        object.__setattr__(self, "labels", tuple(labels))
        object.__setattr__(self, "coef", coef)
        for name, value in vectors.items():
            object.__setattr__(self, name, value)

    @property
    def feature_dim(self) -> int:
        return int(self.coef.shape[1])

    def margins(self, features: np.ndarray) -> np.ndarray:
        """(n, m) signed distances to each class's hyperplane, for unit-length features."""
        features = np.asarray(features)
        if features.ndim != 2 or features.shape[1] != self.feature_dim:
            raise ValueError(f"expected features of shape (n, {self.feature_dim}), got {features.shape}")
        return unit_rows(features).astype(np.float64) @ self.coef.T + self.intercept

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        """(n, len(labels)) probabilities, rows summing to one."""
        return self.proba_from_margins(self.margins(features))

    def proba_from_margins(self, margins: np.ndarray) -> np.ndarray:
        """Probabilities from (n, m) margins (e.g. held-out ones computed during training)."""
        calibrated = _sigmoid(-(self.sigmoid_a * margins + self.sigmoid_b))
        if len(self.labels) == 2:
            return np.column_stack([1.0 - calibrated[:, 0], calibrated[:, 0]])
        totals = calibrated.sum(axis=1, keepdims=True)
        uniform = np.full_like(calibrated, 1.0 / len(self.labels))
        return np.where(totals > 0, calibrated / np.where(totals > 0, totals, 1.0), uniform)

    def predict(self, features: np.ndarray) -> list[str]:
        return [self.labels[i] for i in self.predict_proba(features).argmax(axis=1)]

    def save(self, path: str | Path) -> None:
        """Write the .npz atomically (`save_arrays`): a crash or a full disk leaves the old file."""
        save_arrays(
            Path(path),
            FORMAT,
            VERSION,
            labels=np.array(self.labels, dtype=np.str_),
            coef=self.coef,
            intercept=self.intercept,
            sigmoid_a=self.sigmoid_a,
            sigmoid_b=self.sigmoid_b,
        )

    @classmethod
    def load(cls, path: str | Path) -> LinearModel:
        path = Path(path)
        arrays = read_versioned(path, FIELDS, "classifier", FORMAT, VERSION)
        try:
            return cls(
                labels=tuple(str(label) for label in arrays["labels"].reshape(-1)),
                coef=arrays["coef"],
                intercept=arrays["intercept"],
                sigmoid_a=arrays["sigmoid_a"],
                sigmoid_b=arrays["sigmoid_b"],
            )
        except (ModelFileError, ValueError, TypeError) as exc:
            raise ModelFileError(f"{path}: {exc}") from None

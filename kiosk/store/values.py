"""Checking and converting argument values: sources, review states, JSON fields, feature vectors."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any

import numpy as np

from kiosk.store.errors import InvalidInput
from kiosk.store.models import Source, Status

MAX_JSON_BYTES = 64 * 1024
"""A generation recipe or a model's metrics; far above what either needs."""

MAX_FEATURE_DIM = 65_536
MAX_BACKBONE_ID_CHARS = 200

FEATURE_DTYPE = np.dtype("<f4")
"""Stored byte order is fixed, so a project copied between machines keeps its cache."""


def as_source(value: object) -> Source:
    try:
        return Source(value)
    except ValueError:
        raise InvalidInput(f"source must be one of {[s.value for s in Source]}, not {value!r}") from None


def as_status(value: object) -> Status:
    try:
        return Status(value)
    except ValueError:
        raise InvalidInput(f"status must be one of {[s.value for s in Status]}, not {value!r}") from None


def as_accepted(value: object) -> bool | None:
    """True / False / None (pending), or a `Status` naming one of them."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return as_status(value).accepted
    raise InvalidInput(f"accepted must be True, False, None or a status, not {value!r}")


def many(value: object, convert) -> list:
    """One value or a collection of them (a plain string counts as one)."""
    if isinstance(value, str) or not isinstance(value, Collection):
        return [convert(value)]
    return [convert(v) for v in value]


def json_object(value: object, what: str) -> str:
    if not isinstance(value, Mapping):
        raise InvalidInput(f"{what} must be a JSON object (a dict), not {type(value).__name__}")
    try:
        text = json.dumps(dict(value), allow_nan=False, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"{what} is not JSON-serialisable: {exc}") from None
    if len(text.encode()) > MAX_JSON_BYTES:
        raise InvalidInput(f"{what} is larger than {MAX_JSON_BYTES} bytes as JSON")
    return text


def load_json(text: str | None) -> dict[str, Any] | None:
    return None if text is None else json.loads(text)


def backbone_id(value: object) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_BACKBONE_ID_CHARS:
        raise InvalidInput(f"a backbone id must be 1 to {MAX_BACKBONE_ID_CHARS} characters of text")
    if not value.isprintable():
        raise InvalidInput("a backbone id must be printable text")
    return value


def pack_vector(vector: object) -> tuple[int, bytes]:
    """(dim, little-endian float32 bytes) of a finite 1-D vector."""
    try:
        array = np.asarray(vector, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"a feature vector must be numeric: {exc}") from None
    if array.ndim != 1 or not 1 <= array.size <= MAX_FEATURE_DIM:
        raise InvalidInput(
            f"a feature vector must be 1-D with 1 to {MAX_FEATURE_DIM} values, not {array.shape}"
        )
    with np.errstate(over="ignore"):  # too large for float32 becomes inf, refused just below
        packed = array.astype(FEATURE_DTYPE)
    if not np.isfinite(packed).all():
        raise InvalidInput(
            "a feature vector must be finite (no NaN or infinity, also after float32 rounding)"
        )
    return int(packed.size), packed.tobytes()


def stack_vectors(blobs: list[bytes], dim: int) -> np.ndarray:
    if not blobs:
        return np.zeros((0, dim), dtype=np.float32)
    return np.frombuffer(b"".join(blobs), dtype=FEATURE_DTYPE).reshape(len(blobs), dim).astype(np.float32)

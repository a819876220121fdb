"""What the project store raises: one base class, so callers can catch the store as a whole."""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """Anything the project store refuses or cannot do."""


class LabelError(StoreError, ValueError):
    """A class label that is blank, too long, not printable or already taken."""


class ClassLimitError(StoreError):
    """A project already holds the most classes it may."""


class InvalidInput(StoreError, ValueError):
    """An argument the store cannot accept: a bad image, mask, source, recipe or feature vector."""


class NotFound(StoreError, LookupError):
    """No class, sample or model with that id (it may have been removed meanwhile)."""


class SchemaError(StoreError):
    """The database is not a TeachBooth project, or was written by a newer version."""


class StoredImageError(StoreError):
    """An image or mask file of a sample is missing, truncated or not decodable."""

    def __init__(self, sample_id: str, path: Path, reason: str) -> None:
        super().__init__(f"sample {sample_id}: {path.parent.name}/{path.name} {reason}")
        self.sample_id = sample_id
        self.path = path
        self.reason = reason

"""Typed, immutable records the store hands out. They are snapshots: re-read after a change."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any


class Source(StrEnum):
    """Where a sample came from. Only real samples (camera, imported) may judge a model."""

    CAMERA = "camera"
    GENERATED = "generated"
    IMPORTED = "imported"


class Status(StrEnum):
    """Review state: generated samples start pending until a person accepts or rejects them."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    PENDING = "pending"

    @classmethod
    def of(cls, accepted: bool | None) -> Status:
        if accepted is None:
            return cls.PENDING
        return cls.ACCEPTED if accepted else cls.REJECTED

    @property
    def accepted(self) -> bool | None:
        """The database value: True, False or None (pending)."""
        return {Status.ACCEPTED: True, Status.REJECTED: False, Status.PENDING: None}[self]


PHOTO_SOURCES = (Source.CAMERA, Source.IMPORTED)
"""What every screen and command calls "photos": real pictures, never the generated ones."""
PHOTO_STATUSES = (Status.ACCEPTED, Status.PENDING)
"""A photo a person rejected in review is no longer counted, trained on or tested with."""


@dataclass(frozen=True, slots=True)
class ClassInfo:
    id: int
    label: str
    created_at: float


@dataclass(frozen=True, slots=True)
class Sample:
    id: str
    """uuid4 hex; also the name of its image and mask files, never the label."""
    class_id: int
    label: str
    source: Source
    accepted: bool | None
    """True accepted, False rejected, None pending review."""
    created_at: float
    width: int
    height: int
    image_path: Path
    mask_path: Path | None
    recipe: dict[str, Any] | None
    """How a generated sample was made (backend, preset, seed, ...), as given to `add_sample`."""

    @property
    def status(self) -> Status:
        return Status.of(self.accepted)

    @property
    def is_real(self) -> bool:
        return self.source is not Source.GENERATED


@dataclass(frozen=True, slots=True)
class ModelVersion:
    id: int
    folder: str
    """Folder name under the project's `models/`."""
    path: Path
    created_at: float
    backbone_id: str
    metrics: dict[str, Any]
    current: bool


@dataclass(frozen=True, slots=True)
class FileProblem:
    """A sample (or model) whose file is missing or unreadable."""

    path: Path
    reason: str
    sample_id: str | None = None
    model_id: int | None = None


@dataclass(frozen=True, slots=True)
class StoreCheck:
    """What a scan of the project folder against the database found. Nothing here is fatal.

    `bad_images` samples are left out of listings, counts, features and image iteration until
    `Project.repair()` removes them (or a later check finds their file sound again).
    """

    orphan_files: tuple[Path, ...] = ()
    """Complete files in images/ or masks/ that no sample row names (e.g. written, then killed)."""
    temp_files: tuple[Path, ...] = ()
    """Half-written temporary files left by a process killed during a write."""
    bad_images: tuple[FileProblem, ...] = ()
    """Samples whose image file is missing or unreadable."""
    bad_masks: tuple[FileProblem, ...] = ()
    """Samples whose mask file is missing or unreadable; the sample itself stays usable."""
    orphan_model_dirs: tuple[Path, ...] = ()
    """Folders in models/ with no model row (e.g. a training run that never finished)."""
    bad_models: tuple[FileProblem, ...] = ()
    """Model rows whose folder is missing or empty; `latest_good_model` skips them."""
    deep: bool = False
    """Whether every image was fully decoded (otherwise only existence and JPEG/PNG end markers)."""

    @property
    def ok(self) -> bool:
        return not (
            self.orphan_files
            or self.temp_files
            or self.bad_images
            or self.bad_masks
            or self.orphan_model_dirs
            or self.bad_models
        )

    def summary(self) -> str:
        if self.ok:
            return "project files are consistent"
        parts = [
            f"{len(items)} {what}"
            for items, what in (
                (self.bad_images, "samples with a missing or unreadable image"),
                (self.bad_masks, "samples with a missing or unreadable mask"),
                (self.orphan_files, "files without a sample"),
                (self.temp_files, "half-written temporary files"),
                (self.bad_models, "models with a missing folder"),
                (self.orphan_model_dirs, "model folders without a model record"),
            )
            if items
        ]
        return "; ".join(parts)

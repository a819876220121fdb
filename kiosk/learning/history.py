"""Model history: every training is a version; what it trained on, how it scored, what changed.

A visitor who adds three photos and trains again wants to know whether that helped ("+8 points on
pear") and, if it did not, to go back. So each version's metrics carry, under `HISTORY_KEY`:

    previous    the version that was in use when this one was trained (the Try step's model then),
                the one "what changed" is measured against and a rollback returns to; null for the
                project's first model
    trained_on  {"photos": [...], "generated": [...]}: the sample ids of the real photos and of the
                generated pictures (accepted, past the quality gate, kept) that trained this version
    changes     this version against `previous`, computed once when it was trained (so it survives
                the previous version's removal): see `VersionChanges`

Sample ids are stored as their first `ID_CHARS` hex characters, sorted: a uuid4 prefix of 48 bits
tells apart the few hundred photos a project holds (a clash among 10,000 is about one in three
million, and would cost one miscounted photo in a summary), at a third of the size of the full ids
that every later listing of the versions reads back. A version is named by its store id (the
models table's AUTOINCREMENT key): never reused, even after a museum wipe, so `teachbooth history`
and `rollback` agree across runs; numbers may skip where a version was removed by `repair`.
Versions trained before the history existed have no record: their changes are unknown (None).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kiosk.store import ModelVersion, Project
from kiosk.store.check import model_dir_problem

HISTORY_KEY = "history"
ID_CHARS = 12
"""Hex characters kept of each sample id in a version's record (see the module's docstring)."""


def short_ids(ids: Iterable[str]) -> list[str]:
    """The record's form of sample ids: prefixes, sorted, each once."""
    return sorted({sample_id[:ID_CHARS] for sample_id in ids})


@dataclass(frozen=True)
class VersionChanges:
    """One version against the one that was in use before it."""

    previous: int
    """The version compared against."""
    photos_added: int | None
    """Real photos this version trained on that the previous one did not; None when the previous
    version has no record of what it trained on."""
    photos_removed: int | None
    generated_added: int | None
    """Generated pictures newly kept (accepted, past the gate and not left out)."""
    generated_removed: int | None
    generated_kept: int
    """Generated pictures this version trained on, in all."""
    accuracy: float | None
    """This version's accuracy on real photos minus the previous one's; None when either is unmeasured."""
    per_class: dict[str, float | None]
    """The same per class of this version; None for a class new or unmeasured in either."""

    def as_json(self) -> dict[str, Any]:
        return {
            "previous": self.previous,
            "photos_added": self.photos_added,
            "photos_removed": self.photos_removed,
            "generated_added": self.generated_added,
            "generated_removed": self.generated_removed,
            "generated_kept": self.generated_kept,
            "accuracy": self.accuracy,
            "per_class": dict(self.per_class),
        }

    @classmethod
    def from_json(cls, record: Mapping[str, Any]) -> VersionChanges:
        return cls(
            previous=int(record["previous"]),
            photos_added=record.get("photos_added"),
            photos_removed=record.get("photos_removed"),
            generated_added=record.get("generated_added"),
            generated_removed=record.get("generated_removed"),
            generated_kept=int(record.get("generated_kept", 0)),
            accuracy=record.get("accuracy"),
            per_class=dict(record.get("per_class") or {}),
        )


def _difference(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


def _added_removed(now: list[str], before: list[str] | None) -> tuple[int | None, int | None]:
    if before is None:
        return None, None
    return len(set(now) - set(before)), len(set(before) - set(now))


def changes_between(
    previous: ModelVersion, trained_on: Mapping[str, list[str]], evaluation: Mapping[str, Any] | None
) -> VersionChanges:
    """A new version (what it trained on, its evaluation record) against an earlier one."""
    before = previous.metrics.get(HISTORY_KEY, {}).get("trained_on")
    photos = _added_removed(trained_on["photos"], None if before is None else before["photos"])
    generated = _added_removed(trained_on["generated"], None if before is None else before["generated"])
    scores = evaluation or {}
    old = previous.metrics.get("evaluation") or {}
    old_per_class = old.get("per_class") or {}
    return VersionChanges(
        previous=previous.id,
        photos_added=photos[0],
        photos_removed=photos[1],
        generated_added=generated[0],
        generated_removed=generated[1],
        generated_kept=len(trained_on["generated"]),
        accuracy=_difference(scores.get("accuracy"), old.get("accuracy")),
        per_class={
            label: _difference(accuracy, old_per_class.get(label))
            for label, accuracy in (scores.get("per_class") or {}).items()
        },
    )


def history_record(
    previous: ModelVersion | None,
    photos: Iterable[str],
    generated: Iterable[str],
    evaluation: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The `HISTORY_KEY` entry of a new version's metrics (JSON-ready)."""
    trained_on = {"photos": short_ids(photos), "generated": short_ids(generated)}
    changes = None if previous is None else changes_between(previous, trained_on, evaluation)
    return {
        "previous": None if previous is None else previous.id,
        "trained_on": trained_on,
        "changes": None if changes is None else changes.as_json(),
    }


def changes_of(version: ModelVersion) -> VersionChanges | None:
    """What changed in `version` against the one before it; None for a first or unrecorded version."""
    record = version.metrics.get(HISTORY_KEY, {}).get("changes")
    return None if record is None else VersionChanges.from_json(record)


@dataclass(frozen=True)
class VersionEntry:
    """One line of the history, as `teachbooth history` lists it."""

    version: int
    current: bool
    accuracy: float | None
    per_class: dict[str, float | None]
    created: str
    """ISO 8601, UTC, to the second."""
    photos: int | None
    """Real photos it trained on; None for a version trained before the history was kept."""
    generated: int | None
    """Generated pictures it trained on; None likewise."""
    changes: VersionChanges | None
    usable: bool
    """Its folder is there: it can be made current."""

    def as_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "current": self.current,
            "accuracy": self.accuracy,
            "per_class": dict(self.per_class),
            "created": self.created,
            "photos": self.photos,
            "generated": self.generated,
            "changes": None if self.changes is None else self.changes.as_json(),
            "usable": self.usable,
        }


def iso_utc(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def entry_of(version: ModelVersion) -> VersionEntry:
    evaluation = version.metrics.get("evaluation") or {}
    trained_on = version.metrics.get(HISTORY_KEY, {}).get("trained_on")
    return VersionEntry(
        version=version.id,
        current=version.current,
        accuracy=evaluation.get("accuracy"),
        per_class=dict(evaluation.get("per_class") or {}),
        created=iso_utc(version.created_at),
        photos=None if trained_on is None else len(trained_on["photos"]),
        generated=None if trained_on is None else len(trained_on["generated"]),
        changes=changes_of(version),
        usable=model_dir_problem(version.path) is None,
    )


def project_history(project: Project) -> list[VersionEntry]:
    """Every version of the project, oldest first."""
    return [entry_of(version) for version in project.models()]

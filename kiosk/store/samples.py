"""Sample helpers without state: turning requests into rows and files, rows into records, filters."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from PIL import Image

from kiosk.store import values
from kiosk.store.check import image_path, mask_path
from kiosk.store.db import chunks, marks
from kiosk.store.errors import InvalidInput, NotFound
from kiosk.store.imagefiles import ImageInput, encode_image, encode_mask, to_image
from kiosk.store.models import ClassInfo, Sample, Source, Status


class _Default:
    def __repr__(self) -> str:
        return "DEFAULT"


DEFAULT: Any = _Default()
"""`accepted` left at its default: accepted for camera and imported samples, pending for generated."""

ClassRef = int | ClassInfo
SampleRef = str | Sample


@dataclass(frozen=True)
class NewSample:
    """One sample to add; the arguments of `Project.add_sample`, for `add_samples` batches."""

    image: ImageInput
    class_id: ClassRef
    source: Source | str
    mask: ImageInput | None = None
    recipe: Mapping[str, Any] | None = None
    accepted: bool | Status | str | None = DEFAULT


class LoadedSample(NamedTuple):
    sample: Sample
    image: Image.Image
    mask: Image.Image | None


@dataclass(frozen=True)
class Prepared:
    """A checked, encoded sample: its files can be written and its row inserted."""

    id: str
    class_id: int
    source: Source
    accepted: bool | None
    width: int
    height: int
    jpeg: bytes
    png: bytes | None
    recipe: str | None
    created_at: float

    def files(self, root: Path) -> list[tuple[Path, bytes]]:
        files = [(image_path(root, self.id), self.jpeg)]
        if self.png is not None:
            files.append((mask_path(root, self.id), self.png))
        return files

    def row(self) -> tuple:
        return (
            self.id,
            self.class_id,
            self.source.value,
            self.accepted,
            self.png is not None,
            self.width,
            self.height,
            self.recipe,
            self.created_at,
        )


INSERT_SQL = (
    "INSERT INTO samples (id, class_id, source, accepted, has_mask, width, height, recipe, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
SELECT_SQL = (
    "SELECT s.id, s.class_id, c.label, s.source, s.accepted, s.created_at, s.width, s.height,"
    " s.has_mask, s.recipe FROM samples s JOIN classes c ON c.id = s.class_id"
)
ORDER_SQL = " ORDER BY s.created_at, s.rowid"
_STATUS_SQL = {
    Status.ACCEPTED: "s.accepted = 1",
    Status.REJECTED: "s.accepted = 0",
    Status.PENDING: "s.accepted IS NULL",
}


def prepare(item: NewSample, now: float) -> Prepared:
    """Check the arguments and encode image (JPEG) and mask (PNG); CPU work, no I/O."""
    class_id = class_id_of(item.class_id)
    source = values.as_source(item.source)
    if item.accepted is DEFAULT:
        accepted = None if source is Source.GENERATED else True
    else:
        accepted = values.as_accepted(item.accepted)
    recipe = None if item.recipe is None else values.json_object(item.recipe, "recipe")
    image = to_image(item.image, "image")
    png = None if item.mask is None else encode_mask(to_image(item.mask, "mask"), image.size)
    return Prepared(
        id=uuid.uuid4().hex,
        class_id=class_id,
        source=source,
        accepted=accepted,
        width=image.width,
        height=image.height,
        jpeg=encode_image(image),
        png=png,
        recipe=recipe,
        created_at=now,
    )


def to_sample(root: Path, row: tuple) -> Sample:
    """A record from a `SELECT_SQL` row."""
    sid, cid, label, source, accepted, created_at, width, height, has_mask, recipe = row
    return Sample(
        id=sid,
        class_id=cid,
        label=label,
        source=Source(source),
        accepted=None if accepted is None else bool(accepted),
        created_at=created_at,
        width=width,
        height=height,
        image_path=image_path(root, sid),
        mask_path=mask_path(root, sid) if has_mask else None,
        recipe=values.load_json(recipe),
    )


def filters(class_id: ClassRef | None, source: object, status: object) -> tuple[list[str], list[Any]]:
    """WHERE clauses and parameters for a class, one or more sources, one or more statuses."""
    where: list[str] = []
    params: list[Any] = []
    if class_id is not None:
        where.append("s.class_id = ?")
        params.append(class_id_of(class_id))
    if source is not None:
        sources = sorted(set(values.many(source, values.as_source)))
        where.append(f"s.source IN ({marks(sources)})")
        params += [s.value for s in sources]
    if status is not None:
        statuses = sorted(set(values.many(status, values.as_status)))
        where.append("(" + " OR ".join(_STATUS_SQL[s] for s in statuses) + ")")
    return where, params


def require_samples(conn: sqlite3.Connection, ids: list[str]) -> None:
    """Raise `NotFound` naming the ids that have no sample row."""
    found: set[str] = set()
    for chunk in chunks(ids):
        found |= {
            row[0] for row in conn.execute(f"SELECT id FROM samples WHERE id IN ({marks(chunk)})", chunk)
        }
    if missing := [sid for sid in ids if sid not in found]:
        more = " ..." if len(missing) > 5 else ""
        raise NotFound(f"there is no sample {', '.join(missing[:5])}{more}")


def class_id_of(ref: object) -> int:
    if isinstance(ref, ClassInfo):
        return ref.id
    if isinstance(ref, int) and not isinstance(ref, bool):
        return ref
    raise InvalidInput(f"a class is given by its id or ClassInfo, not {ref!r}")


def sample_id_of(ref: object) -> str:
    if isinstance(ref, Sample):
        return ref.id
    if isinstance(ref, str):
        return ref
    raise InvalidInput(f"a sample is given by its id or Sample, not {ref!r}")


def sample_ids_of(refs: object) -> list[str]:
    """Ids of one sample or many, duplicates dropped, order kept."""
    if isinstance(refs, str | Sample):
        return [sample_id_of(refs)]
    if not isinstance(refs, Iterable):
        raise InvalidInput(f"expected sample ids, not {refs!r}")
    return list(dict.fromkeys(sample_id_of(ref) for ref in refs))

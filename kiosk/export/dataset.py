"""A project's samples as a zip: one folder per class plus a CSV of everything the store knows.

Layout of `NAME.zip` (everything under one folder, so unzipping makes one folder)::

    NAME/metadata.csv               one row per exported sample (columns: `CSV_COLUMNS`)
    NAME/images/<class>/<id>.jpg    the stored JPEG, byte for byte (no re-encoding)
    NAME/masks/<class>/<id>.png     its object mask (white = object), where it has one

Masks live in a parallel tree rather than beside the images so that `NAME/images/` is a plain
"one folder per class" dataset: `teachbooth train NAME/images --out MODEL`, torchvision's
ImageFolder and Keras' image_dataset_from_directory read it as it is, without taking masks for
photos. Folder names are made safe (`names.py`); the real label is in the CSV's `label` column,
exactly as typed (UTF-8, RFC 4180 quoting): a label may begin with "=", so a spreadsheet should
import the CSV as text rather than open it.

The zip is streamed: images are copied from disk into the archive one at a time, the CSV is
spooled to a temporary file, and nothing holds more than one decoded image. Every image (and
mask) is fully decoded before it goes in, so a damaged file is reported and left out instead of
being handed on; the rest is exported. The zip is written atomically (`output.py`).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from kiosk.export.errors import BadOutput, ExportError
from kiosk.export.names import folder_names, safe_name
from kiosk.export.output import atomic_file
from kiosk.store import FileProblem, Project, Sample, Source, Status, StoreError

CSV_NAME = "metadata.csv"
CSV_COLUMNS = (
    "sample_id",
    "label",
    "folder",
    "image",
    "mask",
    "source",
    "status",
    "created_at",
    "width",
    "height",
    "recipe",
)
"""`image` and `mask` are paths inside NAME/ (mask empty without one); `created_at` is ISO 8601 UTC;
`recipe` is the generation recipe as compact JSON (empty for camera and imported samples)."""

DELETED = "was deleted during the export"
SPOOL_BYTES = 1 << 20
"""The CSV stays in memory up to this size, then moves to a temporary file."""


@dataclass(frozen=True)
class DatasetOptions:
    """Which samples to export. The default is what a model should learn from: every accepted
    sample, real and generated, with the `source` column telling them apart."""

    generated: bool = True
    rejected: bool = False
    pending: bool = False

    def statuses(self) -> list[Status]:
        chosen = [Status.ACCEPTED]
        chosen += [Status.REJECTED] if self.rejected else []
        chosen += [Status.PENDING] if self.pending else []
        return chosen

    def sources(self) -> list[Source]:
        return [source for source in Source if self.generated or source is not Source.GENERATED]


@dataclass(frozen=True)
class DatasetReport:
    path: Path
    per_class: dict[str, int]
    """Exported samples per label, every class of the project included (zero too)."""
    skipped: tuple[FileProblem, ...] = ()
    """Samples left out because their image is missing, damaged or was deleted during the export."""
    bad_masks: tuple[FileProblem, ...] = ()
    """Samples exported without their mask because the mask file is missing or damaged."""
    folders: dict[str, str] = field(default_factory=dict)
    """label → folder name in the zip."""

    @property
    def exported(self) -> int:
        return sum(self.per_class.values())


def csv_row(sample: Sample, folder: str, image: str, mask: str | None) -> dict[str, str]:
    """One metadata row; every value is text exactly as it will be read back."""
    recipe = "" if sample.recipe is None else json.dumps(sample.recipe, sort_keys=True, separators=(",", ":"))
    return {
        "sample_id": sample.id,
        "label": sample.label,
        "folder": folder,
        "image": image,
        "mask": mask or "",
        "source": sample.source.value,
        "status": sample.status.value,
        "created_at": datetime.fromtimestamp(sample.created_at, UTC).isoformat(),
        "width": str(sample.width),
        "height": str(sample.height),
        "recipe": recipe,
    }


def export_dataset(
    project_dir: str | Path, out: str | Path, options: DatasetOptions | None = None, *, force: bool = False
) -> DatasetReport:
    """Write the project's chosen samples to the zip `out`. See the module docstring.

    Raises `BadOutput` (not a .zip, no such folder), `OutputExists` (without `force`) or
    `ExportError` (not a project, nothing to export, I/O failure). Damaged images are not errors:
    they are in the report's `skipped`.
    """
    out = Path(out)
    if out.suffix.lower() != ".zip":
        raise BadOutput(f"{out}: a dataset is exported as a .zip file")
    options = options or DatasetOptions()
    try:
        project = Project.open(project_dir, create=False, check="none")
    except StoreError as exc:
        raise ExportError(f"{project_dir}: {exc}") from None
    with project:
        return _export(project, out, options, force)


def _export(project: Project, out: Path, options: DatasetOptions, force: bool) -> DatasetReport:
    classes = project.classes()
    folders = folder_names(info.label for info in classes)
    chosen = project.samples(source=options.sources(), status=options.statuses(), include_broken=True)
    if not chosen:
        raise ExportError(f"{project.root}: no samples to export with these options")
    top = safe_name(out.stem, fallback="dataset")
    per_class = Counter({info.label: 0 for info in classes})
    loaded = project.iter_images(chosen, masks=True)
    vanished: list[FileProblem] = []
    try:
        with (
            atomic_file(out, force=force) as temp,
            zipfile.ZipFile(temp, "w", zipfile.ZIP_STORED) as archive,  # JPEG and PNG are compressed
            tempfile.SpooledTemporaryFile(SPOOL_BYTES) as spool,
        ):
            table = io.TextIOWrapper(spool, encoding="utf-8", newline="")
            writer = csv.DictWriter(table, fieldnames=CSV_COLUMNS)
            writer.writeheader()
            for item in loaded:
                sample, folder = item.sample, folders[item.sample.label]
                image = f"images/{folder}/{sample.id}.jpg"
                if not _add_file(archive, sample.image_path, f"{top}/{image}"):
                    vanished.append(FileProblem(sample.image_path, DELETED, sample_id=sample.id))
                    continue
                mask = None
                if item.mask is not None and sample.mask_path is not None:
                    mask = f"masks/{folder}/{sample.id}.png"
                    mask = mask if _add_file(archive, sample.mask_path, f"{top}/{mask}") else None
                writer.writerow(csv_row(sample, folder, image, mask))
                per_class[sample.label] += 1
            if not any(per_class.values()):
                raise ExportError(f"{project.root}: the image of every chosen sample is missing or damaged")
            table.flush()
            _add_spooled(archive, f"{top}/{CSV_NAME}", spool)
            table.detach()  # the spool is closed by its own context
    except OSError as exc:
        raise ExportError(f"could not write {out}: {exc}") from exc
    skipped = (*loaded.bad, *vanished)
    return DatasetReport(out, dict(per_class), skipped, tuple(loaded.bad_masks), folders)


def _add_file(archive: zipfile.ZipFile, path: Path, name: str) -> bool:
    """Copy a file into the archive as `name`; False if it was deleted since it was checked (the kiosk
    may be running beside the export). `ZipFile.write` opens the file before it writes anything."""
    try:
        archive.write(path, name)
    except FileNotFoundError:
        return False
    return True


def _add_spooled(archive: zipfile.ZipFile, name: str, spool: IO[bytes]) -> None:
    """Copy a spooled file into the archive, compressed, without reading it into memory."""
    size = spool.tell()
    spool.seek(0)
    info = zipfile.ZipInfo(name, date_time=datetime.now().timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.file_size = size  # lets zipfile choose ZIP64 headers up front for a huge CSV
    with archive.open(info, "w") as entry:
        shutil.copyfileobj(spool, entry)

"""One TeachBooth project on disk: classes, samples, cached features and trained model versions.

Layout of a project folder::

    project.sqlite   metadata (see `schema.py` for the settings and why)
    images/<id>.jpg  one JPEG (quality 92) per sample, named by the sample's uuid4 hex id
    masks/<id>.png   the sample's object mask, when it has one
    models/<folder>/ one folder per trained model, written by the trainer, recorded by `add_model`

Files are never named after labels, so a label such as ``../../etc`` reaches no path.

Crash safety rests on one ordering rule: a sample's files are written atomically and made
durable (`atomic.py`) *before* its row is committed, and rows are deleted *before* their files.
After a crash the database therefore never names a file that was not completely written; at
worst files without a row are left over, which `check()` reports and `repair()` removes. A
power cut or SIGKILL loses at most the sample being added.

Thread safety: a `Project` holds one SQLite connection shared by all threads and guarded by a
lock (`db.py`). Every database call holds the lock briefly; decoding, JPEG/PNG encoding, file
writes and fsyncs happen outside it, so capture and generation threads can add samples at once
while the UI thread lists them. Other processes (the CLI beside the kiosk) may open the same
project: WAL lets readers run beside a writer, and writers queue with a busy timeout.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
from PIL import Image

from kiosk.store import atomic
from kiosk.store import samples as sample_rows
from kiosk.store.check import IMAGES, MASKS, MODELS, image_path, mask_path, scan
from kiosk.store.db import Database, chunks, marks
from kiosk.store.errors import (
    ClassLimitError,
    InvalidInput,
    LabelError,
    NotFound,
    StoredImageError,
    StoreError,
)
from kiosk.store.features import MISSING_SQL, FeatureCache
from kiosk.store.imagefiles import ImageInput, read_stored
from kiosk.store.labels import MAX_CLASSES, clean_label, label_key
from kiosk.store.models import ClassInfo, FileProblem, ModelVersion, Sample, Source, Status, StoreCheck
from kiosk.store.samples import (
    DEFAULT,
    ClassRef,
    LoadedSample,
    NewSample,
    SampleRef,
    class_id_of,
    sample_id_of,
    sample_ids_of,
)
from kiosk.store.versions import ModelRegistry

DB_NAME = "project.sqlite"
CheckMode = Literal["quick", "deep", "none"]
Sources = Source | str | Iterable[Source | str]
Statuses = Status | str | Iterable[Status | str]


class Project:
    """A project folder. Open with `Project.open(path)`; close with `close()` or a `with` block."""

    def __init__(self, root: Path) -> None:
        """Use `Project.open`, which also prepares the folder and runs the check."""
        self.root = root
        self._db = Database(root / DB_NAME)
        self._features = FeatureCache(self._db)
        self._models = ModelRegistry(self._db, root / MODELS)
        self._lock = threading.Lock()  # guards the two sets below; never held while waiting on _db
        self._in_flight: set[str] = set()
        self._broken: dict[str, str] = {}
        self.last_check: StoreCheck | None = None
        """The result of the latest `check()`, including the one `open` runs."""

    # ------------------------------------------------------------------ opening and closing

    @classmethod
    def open(
        cls, root: str | os.PathLike[str], *, create: bool = True, check: CheckMode = "quick"
    ) -> Project:
        """Open the project at `root`, creating an empty one there if `create` and none exists.

        `check` runs `check()` at once: "quick" (files exist and are not truncated), "deep"
        (every image decoded) or "none". Its findings are in `last_check`; nothing is fatal.
        """
        if check not in ("quick", "deep", "none"):
            raise InvalidInput(f"check must be 'quick', 'deep' or 'none', not {check!r}")
        root = Path(root).absolute()  # records' paths stay valid if the working directory changes
        if not (root / DB_NAME).exists() and not create:
            raise NotFound(f"there is no project at {root}")
        try:
            root.mkdir(parents=True, exist_ok=True)
            for sub in (IMAGES, MASKS, MODELS):
                (root / sub).mkdir(exist_ok=True)
            atomic.fsync_dir(root)
        except OSError as exc:
            raise StoreError(f"cannot use {root} as a project folder: {exc}") from None
        project = cls(root)
        try:
            if check != "none":
                project.check(deep=check == "deep")
        except BaseException:
            project.close()
            raise
        return project

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def revision(self) -> int:
        """Grows with every committed change to classes, samples or models made through this
        project, and with other processes' commits to its database (`revision.py`): equal numbers,
        nothing to look at again. Never waits for the database (`Database.current_revision`)."""
        return self._db.current_revision()

    @property
    def images_dir(self) -> Path:
        return self.root / IMAGES

    @property
    def masks_dir(self) -> Path:
        return self.root / MASKS

    @property
    def models_dir(self) -> Path:
        return self.root / MODELS

    # ------------------------------------------------------------------ classes

    def add_class(self, label: str) -> ClassInfo:
        """Add a class. Raises `LabelError` (bad or taken label) or `ClassLimitError` (the 9th)."""
        label = clean_label(label)
        with self._db.write() as conn:
            if conn.execute("SELECT count(*) FROM classes").fetchone()[0] >= MAX_CLASSES:
                raise ClassLimitError(
                    f"a project holds at most {MAX_CLASSES} classes; remove one before adding {label!r}"
                )
            _require_free_label(conn, label, None)
            now = time.time()
            cursor = conn.execute(
                "INSERT INTO classes (label, label_key, created_at) VALUES (?, ?, ?)",
                (label, label_key(label), now),
            )
            return ClassInfo(int(cursor.lastrowid or 0), label, now)

    def rename_class(self, class_id: ClassRef, label: str) -> ClassInfo:
        """Change a class's label: only its row changes, files are named by sample id."""
        cid = class_id_of(class_id)
        label = clean_label(label)
        with self._db.write() as conn:
            row = conn.execute("SELECT created_at FROM classes WHERE id = ?", (cid,)).fetchone()
            if row is None:
                raise NotFound(f"there is no class {cid}")
            _require_free_label(conn, label, cid)
            sql = "UPDATE classes SET label = ?, label_key = ? WHERE id = ?"
            conn.execute(sql, (label, label_key(label), cid))
            return ClassInfo(cid, label, row[0])

    def remove_class(self, class_id: ClassRef) -> int:
        """Remove a class with its samples, their features and files. Returns how many samples went."""
        cid = class_id_of(class_id)
        with self._db.write() as conn:
            if conn.execute("SELECT 1 FROM classes WHERE id = ?", (cid,)).fetchone() is None:
                raise NotFound(f"there is no class {cid}")
            rows = conn.execute("SELECT id, has_mask FROM samples WHERE class_id = ?", (cid,)).fetchall()
            conn.execute("DELETE FROM classes WHERE id = ?", (cid,))  # cascades to samples and features
        self._remove_sample_files(rows)
        return len(rows)

    def classes(self) -> list[ClassInfo]:
        """All classes, oldest first."""
        with self._db.read() as conn:
            rows = conn.execute("SELECT id, label, created_at FROM classes ORDER BY id").fetchall()
        return [ClassInfo(*row) for row in rows]

    def get_class(self, class_id: ClassRef) -> ClassInfo:
        cid = class_id_of(class_id)
        with self._db.read() as conn:
            row = conn.execute("SELECT id, label, created_at FROM classes WHERE id = ?", (cid,)).fetchone()
        if row is None:
            raise NotFound(f"there is no class {cid}")
        return ClassInfo(*row)

    def find_class(self, label: str) -> ClassInfo | None:
        """The class whose label matches `label` ignoring case and surrounding spaces, if any."""
        try:
            key = label_key(clean_label(label))
        except LabelError:
            return None
        with self._db.read() as conn:
            sql = "SELECT id, label, created_at FROM classes WHERE label_key = ?"
            row = conn.execute(sql, (key,)).fetchone()
        return None if row is None else ClassInfo(*row)

    # ------------------------------------------------------------------ adding samples

    def add_sample(
        self,
        image: ImageInput,
        class_id: ClassRef,
        source: Source | str,
        *,
        mask: ImageInput | None = None,
        recipe: Mapping[str, Any] | None = None,
        accepted: bool | Status | str | None = DEFAULT,
    ) -> Sample:
        """Store an image (PIL image, JPEG/PNG bytes or uint8 array) as a new sample of a class.

        `mask` must have the image's size. `recipe` is any JSON object (how a generated image
        was made). `accepted` defaults to True for camera and imported samples and to None
        (pending review) for generated ones. Returns the sample once its files are durable and
        its row is committed. Raises `InvalidInput`, or `NotFound` if there is no such class.
        """
        return self.add_samples([NewSample(image, class_id, source, mask, recipe, accepted)])[0]

    def add_samples(self, items: Sequence[NewSample]) -> list[Sample]:
        """Add several samples in one transaction (all or none), e.g. a job's generated images.

        Cheaper than one `add_sample` each: one fsync per folder and one commit for the batch.
        """
        now = time.time()
        for cid in {class_id_of(item.class_id) for item in items}:
            self.get_class(cid)  # fail before encoding and writing anything
        prepared = [sample_rows.prepare(item, now) for item in items]
        if not prepared:
            return []
        files = [file for p in prepared for file in p.files(self.root)]
        names = {path.name for path, _ in files}
        with self._lock:
            self._in_flight |= names
        written: list[Path] = []
        try:
            try:
                for path, data in files:
                    atomic.write_bytes(path, data, sync_dir=False)
                    written.append(path)
                for folder in {path.parent for path in written}:
                    atomic.fsync_dir(folder)
            except OSError as exc:
                raise StoreError(f"could not write the sample files: {exc}") from exc
            self._commit_samples(prepared)
        except BaseException:
            with contextlib.suppress(OSError):
                atomic.remove_files(written)
            raise
        finally:
            with self._lock:
                self._in_flight -= names
        by_id = {s.id: s for s in self._select_ids([p.id for p in prepared])}
        return [by_id[p.id] for p in prepared]

    def _commit_samples(self, prepared: Sequence[sample_rows.Prepared]) -> None:
        """Insert and commit the rows of samples whose files are already durable."""
        with self._db.write() as conn:
            wanted = sorted({p.class_id for p in prepared})
            sql = f"SELECT id FROM classes WHERE id IN ({marks(wanted)})"
            if missing := set(wanted) - {row[0] for row in conn.execute(sql, wanted)}:
                raise NotFound(f"class {min(missing)} was removed while its samples were being added")
            conn.executemany(sample_rows.INSERT_SQL, [p.row() for p in prepared])

    # ------------------------------------------------------------------ reading samples

    def get_sample(self, sample: SampleRef) -> Sample:
        """One sample by id, whether or not its files are sound."""
        sid = sample_id_of(sample)
        found = self._select_ids([sid])
        if not found:
            raise NotFound(f"there is no sample {sid}")
        return found[0]

    def samples(
        self,
        *,
        class_id: ClassRef | None = None,
        source: Sources | None = None,
        status: Statuses | None = None,
        include_broken: bool = False,
    ) -> list[Sample]:
        """Samples, oldest first, filtered by class, source(s) and review status(es).

        Samples whose image a check or a load found missing or unreadable are left out unless
        `include_broken`, so a damaged file never reaches a listing, a count or training.
        """
        where, params = sample_rows.filters(class_id, source, status)
        found = self._select(where, params)
        return found if include_broken else self._without_broken(found)

    def counts(self, *, source: Sources | None = None, status: Statuses | None = None) -> dict[int, int]:
        """Samples per class id (every class present, zero included), same filters as `samples`."""
        where, params = sample_rows.filters(None, source, status)
        sql = "SELECT s.id, s.class_id FROM samples s" + (" WHERE " + " AND ".join(where) if where else "")
        with self._db.read() as conn:
            rows = conn.execute(sql, params).fetchall()
            class_ids = [row[0] for row in conn.execute("SELECT id FROM classes ORDER BY id")]
        broken = self.broken()
        tally = Counter(cid for sid, cid in rows if sid not in broken)
        return {cid: tally.get(cid, 0) for cid in class_ids}

    def broken(self) -> dict[str, str]:
        """Sample id → why its image is unusable, as found by the latest check and by loads since."""
        with self._lock:
            return dict(self._broken)

    def _select(self, where: list[str], params: list[Any]) -> list[Sample]:
        sql = (
            sample_rows.SELECT_SQL
            + (" WHERE " + " AND ".join(where) if where else "")
            + sample_rows.ORDER_SQL
        )
        with self._db.read() as conn:
            rows = conn.execute(sql, params).fetchall()
        return [sample_rows.to_sample(self.root, row) for row in rows]

    def _select_ids(self, ids: list[str]) -> list[Sample]:
        return [s for chunk in chunks(ids) for s in self._select([f"s.id IN ({marks(chunk)})"], chunk)]

    def _without_broken(self, found: list[Sample]) -> list[Sample]:
        broken = self.broken()
        return [s for s in found if s.id not in broken]

    # ------------------------------------------------------------------ changing samples

    def delete_sample(self, sample: SampleRef) -> None:
        """Delete a sample with its files and features; `NotFound` if there is none."""
        if not self.delete_samples([sample]):
            raise NotFound(f"there is no sample {sample_id_of(sample)}")

    def delete_samples(self, samples: Iterable[SampleRef]) -> int:
        """Delete samples with their files and features; ids that do not exist are ignored."""
        ids = sample_ids_of(samples)
        rows: list[tuple[str, int]] = []
        with self._db.write() as conn:
            for chunk in chunks(ids):
                sql = f"SELECT id, has_mask FROM samples WHERE id IN ({marks(chunk)})"
                rows += conn.execute(sql, chunk).fetchall()
            conn.executemany("DELETE FROM samples WHERE id = ?", [(row[0],) for row in rows])
        self._remove_sample_files(rows)
        return len(rows)

    def _remove_sample_files(self, rows: Iterable[tuple[str, int]]) -> None:
        """After the rows are committed gone: delete the files. A failure only leaves orphans."""
        paths = []
        with self._lock:
            for sid, has_mask in rows:
                self._broken.pop(sid, None)
                paths.append(image_path(self.root, sid))
                if has_mask:
                    paths.append(mask_path(self.root, sid))
        with contextlib.suppress(OSError):
            atomic.remove_files(paths)

    # ------------------------------------------------------------------ images

    def load_image(self, sample: SampleRef) -> Image.Image:
        """The sample's image (RGB). Raises `StoredImageError` if its file is missing or damaged,
        and leaves the sample out of listings from then on."""
        sid = sample_id_of(sample)
        path = image_path(self.root, sid)
        image, problem = read_stored(path, "jpeg")
        if image is None:
            if not isinstance(sample, Sample):
                self.get_sample(sid)  # NotFound for an id that is no sample at all
            reason = problem or "is unreadable"
            with self._lock:
                self._broken[sid] = reason
            raise StoredImageError(sid, path, reason)
        return image.convert("RGB")

    def load_mask(self, sample: SampleRef) -> Image.Image | None:
        """The sample's mask (mode L), None if it has none; `StoredImageError` if its file is bad."""
        record = sample if isinstance(sample, Sample) else self.get_sample(sample)
        if record.mask_path is None:
            return None
        path = mask_path(self.root, record.id)
        mask, problem = read_stored(path, "png")
        if mask is None:
            raise StoredImageError(record.id, path, problem or "is unreadable")
        return mask.convert("L")

    def iter_images(self, samples: Iterable[Sample] | None = None, *, masks: bool = False) -> ImageIterator:
        """Iterate `LoadedSample(sample, image, mask)` over `samples` (default: every listed sample),
        skipping those whose image cannot be loaded; the iterator's `bad` lists them afterwards."""
        return ImageIterator(self, self.samples() if samples is None else list(samples), masks)

    # ------------------------------------------------------------------ feature cache

    def set_many_features(self, backbone_id: str, items: Iterable[tuple[SampleRef, object]]) -> int:
        """Cache (sample, vector) pairs for one backbone in one transaction, stored as little-endian
        float32. All vectors of a
        backbone id have one length. Returns how many were stored."""
        return self._features.put(backbone_id, items)

    def features(
        self, backbone_id: str, sample_ids: Iterable[SampleRef] | None = None
    ) -> tuple[list[str], np.ndarray]:
        """(sample ids, float32 matrix n x dim) of the samples with features for `backbone_id`.

        Features cached under any other backbone id are never returned. With `sample_ids`, rows
        follow that order and samples without features are left out; otherwise oldest first.
        Samples known to be broken are left out. No features: an array of shape (0, 0).
        """
        return self._features.matrix(backbone_id, sample_ids, exclude=self.broken())

    def missing_features(self, backbone_id: str) -> list[Sample]:
        """Listed samples that have no cached features for `backbone_id` yet, oldest first."""
        return self._without_broken(self._select([MISSING_SQL], [backbone_id]))

    def clear_features(self, *, keep: str | None = None) -> int:
        """Drop cached features of every backbone id except `keep` (all if None). Returns rows dropped."""
        return self._features.clear(keep)

    # ------------------------------------------------------------------ model versions

    def new_model_folder(self) -> Path:
        """Create an empty folder under models/ for a trainer to fill, then pass it to `add_model`."""
        return self._models.new_folder()

    def add_model(
        self,
        folder: str | os.PathLike[str],
        backbone_id: str,
        metrics: Mapping[str, Any],
        *,
        current: bool = True,
    ) -> ModelVersion:
        """Record a trained model whose files are in `folder` (a name, or a path directly in
        models/). The files are fsynced before the row is committed. With `current` (default)
        it becomes the current model."""
        return self._models.add(folder, backbone_id, metrics, current)

    def models(self) -> list[ModelVersion]:
        """Every recorded model, oldest first."""
        return self._models.all()

    def set_current_model(self, model_id: int) -> None:
        self._models.set_current(model_id)

    def latest_good_model(self, backbone_id: str | None = None) -> ModelVersion | None:
        """The model to predict with: the current one if its folder is present and not empty, else
        the newest such; only models of `backbone_id` when given. None if there is none."""
        return self._models.latest_good(backbone_id)

    # ------------------------------------------------------------------ maintenance

    def check(self, *, deep: bool = False) -> StoreCheck:
        """Compare the folder with the database (see `StoreCheck`); changes nothing on disk.

        Samples with a bad image are left out of listings until a later check finds them sound.
        `deep` decodes every image instead of checking existence and end markers.
        """
        with self._db.read() as conn:
            rows = [(sid, bool(has)) for sid, has in conn.execute("SELECT id, has_mask FROM samples")]
            models = conn.execute("SELECT id, folder FROM models").fetchall()
            with self._lock:
                snapshot = set(self._in_flight)
        result = scan(self.root, rows, models, in_flight=_InFlight(self, snapshot), deep=deep)
        with self._lock:
            self._broken = {p.sample_id: p.reason for p in result.bad_images if p.sample_id is not None}
            self.last_check = result
        return result

    def repair(self, *, min_age_s: float = 60.0) -> StoreCheck:
        """Remove what a fresh check finds wrong and return it: orphan and temporary files and
        model folders older than `min_age_s` (younger ones may be a write in progress in another
        process), samples whose image is bad, bad masks (the sample keeps its image), and model
        rows whose folder is missing or empty."""
        found = self.check()
        cutoff = time.time() - min_age_s
        leftovers = (*found.orphan_files, *found.temp_files, *found.orphan_model_dirs)
        old = {path for path in leftovers if _mtime(path) <= cutoff}
        bad_ids = [p.sample_id for p in found.bad_images if p.sample_id is not None]
        bad_mask_ids = [p.sample_id for p in found.bad_masks if p.sample_id not in bad_ids]
        with self._db.write() as conn:
            conn.executemany("DELETE FROM samples WHERE id = ?", [(sid,) for sid in bad_ids])
            conn.executemany("UPDATE samples SET has_mask = 0 WHERE id = ?", [(sid,) for sid in bad_mask_ids])
            conn.executemany("DELETE FROM models WHERE id = ?", [(p.model_id,) for p in found.bad_models])
        self._remove_sample_files([(sid, True) for sid in bad_ids])
        with contextlib.suppress(OSError):
            atomic.remove_files([p.path for p in found.bad_masks])
        for path in old:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    path.unlink()
        self.check()
        return StoreCheck(
            orphan_files=tuple(p for p in found.orphan_files if p in old),
            temp_files=tuple(p for p in found.temp_files if p in old),
            bad_images=found.bad_images,
            bad_masks=found.bad_masks,
            orphan_model_dirs=tuple(p for p in found.orphan_model_dirs if p in old),
            bad_models=found.bad_models,
        )

    def wipe(self) -> None:
        """Museum wipe: delete every sample, class and model, files included, leaving an empty,
        usable project. Deleted rows are overwritten in the database file (secure_delete) and
        the WAL is truncated. Samples other threads are adding meanwhile fail: their class is gone,
        and class ids are never reused."""
        with self._db.lock:  # held throughout: no class or sample is added until the folders are empty
            with self._db.write() as conn:
                for table in ("features", "models", "samples", "classes"):
                    conn.execute(f"DELETE FROM {table}")
            with contextlib.suppress(StoreError), self._db.read() as conn:  # best effort
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            with self._lock:
                self._broken.clear()
            try:
                for folder in (self.images_dir, self.masks_dir, self.models_dir):
                    atomic.empty_folder(folder)
            except OSError as exc:
                raise StoreError(f"the records are wiped but some files could not be deleted: {exc}") from exc


class ImageIterator:
    """Yields `LoadedSample(sample, image, mask)` for every sample whose image loads.

    Samples whose image is missing or damaged are skipped and listed in `bad`; with `masks`, a
    damaged mask yields the sample with `mask=None` and is listed in `bad_masks`.
    """

    def __init__(self, project: Project, samples: list[Sample], masks: bool) -> None:
        self._project = project
        self._samples = samples
        self._masks = masks
        self.bad: list[FileProblem] = []
        self.bad_masks: list[FileProblem] = []

    def __len__(self) -> int:
        return len(self._samples)

    def __iter__(self) -> Iterator[LoadedSample]:
        for sample in self._samples:
            try:
                image = self._project.load_image(sample)
            except StoredImageError as exc:
                self.bad.append(FileProblem(exc.path, exc.reason, sample_id=sample.id))
                continue
            mask = None
            if self._masks and sample.mask_path is not None:
                try:
                    mask = self._project.load_mask(sample)
                except StoredImageError as exc:
                    self.bad_masks.append(FileProblem(exc.path, exc.reason, sample_id=sample.id))
            yield LoadedSample(sample, image, mask)


class _InFlight:
    """Names being written now: those seen when the rows were read, plus any started since."""

    def __init__(self, project: Project, snapshot: set[str]) -> None:
        self._project = project
        self._snapshot = snapshot

    def __contains__(self, name: object) -> bool:
        if name in self._snapshot or (isinstance(name, str) and self._project._models.in_flight(name)):
            return True
        with self._project._lock:
            return name in self._project._in_flight


def _require_free_label(conn: sqlite3.Connection, label: str, own_id: int | None) -> None:
    row = conn.execute("SELECT id, label FROM classes WHERE label_key = ?", (label_key(label),)).fetchone()
    if row is not None and row[0] != own_id:
        raise LabelError(f"there is already a class {row[1]!r} (labels ignore case)")


def _mtime(path: Path) -> float:
    try:
        return path.lstat().st_mtime
    except OSError:
        return float("inf")

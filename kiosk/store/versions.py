"""Trained model versions: a folder under models/ per model, a row per recorded model.

A trainer asks for a fresh folder (`new_folder`), writes its files there, then records it
(`add`), which fsyncs the folder before committing the row. A training run killed part-way
leaves a folder without a row: the check reports it as an orphan and nothing uses it.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kiosk.store import atomic, values
from kiosk.store.check import model_dir_problem
from kiosk.store.db import Database
from kiosk.store.errors import InvalidInput, NotFound, StoreError
from kiosk.store.models import ModelVersion

_COLUMNS = "id, folder, created_at, backbone_id, metrics, current"


class ModelRegistry:
    def __init__(self, db: Database, folder: Path) -> None:
        self._db = db
        self.folder = folder
        self._lock = threading.Lock()
        self._in_flight: set[str] = set()

    def in_flight(self, name: str) -> bool:
        """Whether `name` is a folder handed out by `new_folder` and not yet recorded."""
        with self._lock:
            return name in self._in_flight

    def new_folder(self) -> Path:
        name = time.strftime("%Y%m%d-%H%M%S") + "-" + uuid.uuid4().hex[:8]
        with self._lock:
            self._in_flight.add(name)
        try:
            (self.folder / name).mkdir()
        except OSError as exc:
            with self._lock:
                self._in_flight.discard(name)
            raise StoreError(f"cannot create model folder {name}: {exc}") from exc
        return self.folder / name

    def add(
        self,
        folder: str | os.PathLike[str],
        backbone_id: str,
        metrics: Mapping[str, Any],
        current: bool,
    ) -> ModelVersion:
        name = self._folder_name(folder)
        path = self.folder / name
        if (problem := model_dir_problem(path)) is not None:
            raise InvalidInput(f"model folder {name} {problem}")
        backbone = values.backbone_id(backbone_id)
        metrics_json = values.json_object(metrics, "metrics")
        try:
            atomic.fsync_tree(path)
            atomic.fsync_dir(self.folder)
        except OSError as exc:
            raise StoreError(f"could not sync model folder {name}: {exc}") from exc
        now = time.time()
        with self._db.write() as conn:
            if conn.execute("SELECT 1 FROM models WHERE folder = ?", (name,)).fetchone():
                raise InvalidInput(f"model folder {name} is already recorded")
            if current:
                conn.execute("UPDATE models SET current = 0 WHERE current = 1")
            cursor = conn.execute(
                "INSERT INTO models (folder, created_at, backbone_id, metrics, current)"
                " VALUES (?, ?, ?, ?, ?)",
                (name, now, backbone, metrics_json, current),
            )
            model_id = int(cursor.lastrowid or 0)
        with self._lock:
            self._in_flight.discard(name)
        return ModelVersion(
            model_id, name, path, now, backbone, values.load_json(metrics_json) or {}, current
        )

    def _folder_name(self, folder: str | os.PathLike[str]) -> str:
        """The folder's name; a path is accepted only if it lies directly in models/."""
        given = Path(folder)
        if len(given.parts) > 1 and given.parent.resolve() != self.folder.resolve():
            raise InvalidInput(f"a model folder must be directly inside {self.folder}, not {given}")
        if given.name in ("", ".", "..") or atomic.is_temp_name(given.name):
            raise InvalidInput(f"{os.fspath(folder)!r} is not a usable model folder name")
        return given.name

    def all(self) -> list[ModelVersion]:
        with self._db.read() as conn:
            rows = conn.execute(f"SELECT {_COLUMNS} FROM models ORDER BY created_at, id").fetchall()
        return [self._record(row) for row in rows]

    def _record(self, row: tuple) -> ModelVersion:
        mid, folder, created_at, backbone, metrics, current = row
        return ModelVersion(
            mid,
            folder,
            self.folder / folder,
            created_at,
            backbone,
            values.load_json(metrics) or {},
            bool(current),
        )

    def set_current(self, model_id: int) -> None:
        with self._db.write() as conn:
            if conn.execute("SELECT 1 FROM models WHERE id = ?", (model_id,)).fetchone() is None:
                raise NotFound(f"there is no model {model_id}")
            conn.execute("UPDATE models SET current = 0 WHERE current = 1")
            conn.execute("UPDATE models SET current = 1 WHERE id = ?", (model_id,))

    def latest_good(self, backbone_id: str | None) -> ModelVersion | None:
        """The current model if its folder is sound, else the newest sound one (of that backbone)."""
        good = [
            m
            for m in self.all()
            if (backbone_id is None or m.backbone_id == backbone_id) and model_dir_problem(m.path) is None
        ]
        current = [m for m in good if m.current]
        return current[0] if current else (good[-1] if good else None)

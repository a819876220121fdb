"""The project database: tables, connection settings and version check.

Settings and why:
- WAL journal: readers never block the writer, and a killed writer leaves the database intact.
- synchronous=FULL: in WAL mode NORMAL is corruption-safe but may roll back the last
  transactions on power loss, which would break "a power cut loses at most the frame being
  captured" (the image file is on disk, its row would be gone). FULL costs one more fsync of the
  WAL per commit; each sample already pays an fsync for its file and one for its folder, so
  the relative cost is small, and only commits (not reads) pay it.
- foreign_keys=ON: removing a class removes its samples and their features in the database.
- secure_delete=ON: a museum wipe overwrites visitor data in the database file, not just unlinks it.
- busy_timeout: a CLI and the kiosk may open one project at once; writers queue instead of failing.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kiosk.store.errors import SchemaError

SCHEMA_VERSION = 1
APPLICATION_ID = 0x54427468  # "TBth": marks the file as a TeachBooth project
BUSY_TIMEOUT_MS = 10_000

_TABLES = """
CREATE TABLE classes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, even after a wipe
    label      TEXT NOT NULL,
    label_key  TEXT NOT NULL UNIQUE,               -- casefolded label: uniqueness ignores case
    created_at REAL NOT NULL
);
CREATE TABLE samples (
    id         TEXT PRIMARY KEY CHECK (length(id) = 32),  -- uuid4 hex, also the file name
    class_id   INTEGER NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
    source     TEXT NOT NULL CHECK (source IN ('camera', 'generated', 'imported')),
    accepted   INTEGER CHECK (accepted IS NULL OR accepted IN (0, 1)),  -- NULL: pending review
    has_mask   INTEGER NOT NULL CHECK (has_mask IN (0, 1)),
    width      INTEGER NOT NULL,
    height     INTEGER NOT NULL,
    recipe     TEXT,                                -- JSON object or NULL
    created_at REAL NOT NULL
);
CREATE INDEX samples_by_class ON samples(class_id);
CREATE TABLE features (
    sample_id   TEXT NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
    backbone_id TEXT NOT NULL,
    dim         INTEGER NOT NULL CHECK (dim > 0),
    vector      BLOB NOT NULL CHECK (length(vector) = 4 * dim),  -- little-endian float32
    PRIMARY KEY (sample_id, backbone_id)
);
CREATE INDEX features_by_backbone ON features(backbone_id);
CREATE TABLE models (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    folder      TEXT NOT NULL UNIQUE,
    created_at  REAL NOT NULL,
    backbone_id TEXT NOT NULL,
    metrics     TEXT NOT NULL,                      -- JSON object
    current     INTEGER NOT NULL DEFAULT 0 CHECK (current IN (0, 1))
);
CREATE UNIQUE INDEX models_one_current ON models(current) WHERE current = 1;
"""


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the project database with the settings above."""
    try:
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise SchemaError(f"cannot open {path}: {exc}") from None
    try:
        db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise SchemaError(f"{path}: the file system does not allow WAL mode (got {mode!r})")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA secure_delete=ON")
        _migrate(db, path)
    except sqlite3.DatabaseError as exc:
        db.close()
        raise SchemaError(f"{path} is not a usable project database: {exc}") from None
    except BaseException:
        db.close()
        raise
    return db


def _migrate(db: sqlite3.Connection, path: Path) -> None:
    db.execute("BEGIN IMMEDIATE")  # two processes creating one project: the second waits, then sees it
    try:
        app_id = db.execute("PRAGMA application_id").fetchone()[0]
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if app_id not in (0, APPLICATION_ID):
            raise SchemaError(f"{path} is an SQLite database of another application")
        if version > SCHEMA_VERSION:
            raise SchemaError(f"{path} is from a newer TeachBooth (schema {version} > {SCHEMA_VERSION})")
        if version == 0:
            if db.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]:
                raise SchemaError(f"{path} is an SQLite database of another application")
            for statement in _TABLES.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute(f"PRAGMA application_id={APPLICATION_ID}")
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise

"""The database file: settings, versioning, and refusing files that are not a project."""

from __future__ import annotations

import sqlite3

import pytest

from kiosk.store import NotFound, Project, SchemaError
from kiosk.store.schema import SCHEMA_VERSION


def pragma(project: Project, name: str):
    with project._db.read() as conn:
        return conn.execute(f"PRAGMA {name}").fetchone()[0]


def test_connection_settings(project: Project) -> None:
    assert pragma(project, "journal_mode") == "wal"
    assert pragma(project, "synchronous") == 2  # FULL
    assert pragma(project, "foreign_keys") == 1
    assert pragma(project, "user_version") == SCHEMA_VERSION
    assert sorted(p.name for p in project.root.iterdir() if p.is_dir()) == ["images", "masks", "models"]


def test_open_without_create_needs_a_project(tmp_path) -> None:
    with pytest.raises(NotFound, match="no project"):
        Project.open(tmp_path / "nothing", create=False)
    Project.open(tmp_path / "p").close()
    Project.open(tmp_path / "p", create=False).close()


def test_a_file_that_is_not_a_database_is_refused(tmp_path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "project.sqlite").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(SchemaError, match="not a usable project database"):
        Project.open(tmp_path / "p")


def test_another_applications_database_is_refused(tmp_path) -> None:
    (tmp_path / "p").mkdir()
    conn = sqlite3.connect(tmp_path / "p" / "project.sqlite")
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(SchemaError, match="another application"):
        Project.open(tmp_path / "p")


def test_a_newer_schema_is_refused(tmp_path) -> None:
    Project.open(tmp_path / "p").close()
    conn = sqlite3.connect(tmp_path / "p" / "project.sqlite")
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(SchemaError, match="newer TeachBooth"):
        Project.open(tmp_path / "p")


def test_a_closed_project_says_so(tmp_path) -> None:
    project = Project.open(tmp_path / "p")
    project.close()
    project.close()  # twice is fine
    with pytest.raises(Exception, match="closed"):
        project.classes()

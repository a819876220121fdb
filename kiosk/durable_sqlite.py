"""The SQLite file behind the kiosk's and the station's outboxes: what they hold outlives a power cut.

An outbox exists to lose nothing between "taken" and "delivered", so its database runs in WAL mode
with synchronous=FULL (a committed row is on disk before the commit returns) and in autocommit
mode (each statement is its own transaction unless the caller opens one). One connection is
shared by the caller's threads under the caller's own lock.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


def open_durable(path: Path, schema: str) -> sqlite3.Connection:
    """Open (creating folder and file as needed) the database at `path` and run `schema` on it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.executescript(schema)
    return connection

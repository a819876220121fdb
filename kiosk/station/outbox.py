"""Verdicts taken but not yet acknowledged by the broker, on disk, in sequence order.

The kiosk's job outbox (`kiosk/jobs/outbox.py`) is keyed by job and tracks deadlines and workers;
a station needs less and one thing more: a queue in verdict order that survives a broker restart
and a power cut, and the last sequence number ever given out, so that numbers go on from there
after a restart and a reader can tell a lost verdict from a restarted station. SQLite in WAL mode
with synchronous=FULL: a committed row survives a power cut. A verdict and the counter are written
in one transaction, so the counter never lags what is queued.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from kiosk.durable_sqlite import open_durable

_SCHEMA = """
CREATE TABLE IF NOT EXISTS verdicts (
    sequence INTEGER PRIMARY KEY,
    topic    TEXT NOT NULL,
    payload  BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS counter (
    id   INTEGER PRIMARY KEY CHECK (id = 0),
    last INTEGER NOT NULL
);
INSERT OR IGNORE INTO counter (id, last) VALUES (0, 0);
"""


@dataclass(frozen=True)
class Pending:
    sequence: int
    topic: str
    payload: bytes


class VerdictOutbox:
    """A durable, thread-safe FIFO of verdicts by sequence number; the station's loop adds, the
    publisher's thread takes the oldest and removes it once the broker has it."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._db = open_durable(path, _SCHEMA)

    def last_sequence(self) -> int:
        """The highest sequence number ever added (0 for a new station)."""
        with self._lock:
            (last,) = self._db.execute("SELECT last FROM counter WHERE id = 0").fetchone()
        return last

    def add(self, sequence: int, topic: str, payload: bytes) -> None:
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(
                "INSERT INTO verdicts (sequence, topic, payload) VALUES (?, ?, ?)", (sequence, topic, payload)
            )
            self._db.execute("UPDATE counter SET last = MAX(last, ?) WHERE id = 0", (sequence,))

    def oldest(self) -> Pending | None:
        with self._lock:
            row = self._db.execute(
                "SELECT sequence, topic, payload FROM verdicts ORDER BY sequence LIMIT 1"
            ).fetchone()
        return None if row is None else Pending(*row)

    def remove(self, sequence: int) -> None:
        with self._lock:
            self._db.execute("DELETE FROM verdicts WHERE sequence = ?", (sequence,))

    def depth(self) -> int:
        with self._lock:
            (count,) = self._db.execute("SELECT COUNT(*) FROM verdicts").fetchone()
        return count

    def close(self) -> None:
        with self._lock:
            self._db.close()

"""Jobs the kiosk has sent but not yet seen finish, on disk.

A kiosk on museum Wi-Fi loses the broker now and then and is switched off at
closing time; a visitor's request must survive both. A job stays here from
submission until a worker reports it done or failed, and everything here is
(re)sent when the link comes back. SQLite through `open_durable`:
a committed row survives a power cut.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from kiosk.durable_sqlite import open_durable

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    kiosk_id   TEXT NOT NULL,
    job_id     TEXT NOT NULL,
    topic      TEXT NOT NULL,
    payload    BLOB NOT NULL,
    deadline   REAL NOT NULL,
    created_at REAL NOT NULL,
    accepted   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kiosk_id, job_id)
)
"""


@dataclass(frozen=True)
class OutboxEntry:
    kiosk_id: str
    job_id: str
    topic: str
    payload: bytes
    deadline: float
    accepted: bool


class Outbox:
    """A durable, thread-safe table of unfinished jobs."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._db = open_durable(path, _SCHEMA)

    def add(self, kiosk_id: str, job_id: str, topic: str, payload: bytes, deadline: float) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO outbox (kiosk_id, job_id, topic, payload, deadline, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (kiosk_id, job_id, topic, payload, deadline, time.time()),
            )

    def entries(self, kiosk_id: str) -> list[OutboxEntry]:
        """Unfinished jobs, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT kiosk_id, job_id, topic, payload, deadline, accepted FROM outbox"
                " WHERE kiosk_id = ? ORDER BY created_at",
                (kiosk_id,),
            ).fetchall()
        return [OutboxEntry(k, j, t, p, d, bool(a)) for k, j, t, p, d, a in rows]

    def get(self, kiosk_id: str, job_id: str) -> OutboxEntry | None:
        with self._lock:
            row = self._db.execute(
                "SELECT kiosk_id, job_id, topic, payload, deadline, accepted FROM outbox"
                " WHERE kiosk_id = ? AND job_id = ?",
                (kiosk_id, job_id),
            ).fetchone()
        return None if row is None else OutboxEntry(*row[:5], bool(row[5]))

    def mark_accepted(self, kiosk_id: str, job_id: str) -> None:
        self._update("UPDATE outbox SET accepted = 1 WHERE kiosk_id = ? AND job_id = ?", kiosk_id, job_id)

    def mark_untaken(self, kiosk_id: str, job_id: str) -> None:
        """The worker that accepted the job is gone: the job goes out again when a worker appears."""
        self._update("UPDATE outbox SET accepted = 0 WHERE kiosk_id = ? AND job_id = ?", kiosk_id, job_id)

    def remove(self, kiosk_id: str, job_id: str) -> None:
        self._update("DELETE FROM outbox WHERE kiosk_id = ? AND job_id = ?", kiosk_id, job_id)

    def remove_expired(self, kiosk_id: str, now: float) -> list[str]:
        """Drop jobs past their deadline (no worker would run them); returns their ids."""
        with self._lock:
            rows = self._db.execute(
                "DELETE FROM outbox WHERE kiosk_id = ? AND deadline <= ? RETURNING job_id", (kiosk_id, now)
            ).fetchall()
        return [job_id for (job_id,) in rows]

    def depth(self, kiosk_id: str) -> int:
        with self._lock:
            (count,) = self._db.execute(
                "SELECT COUNT(*) FROM outbox WHERE kiosk_id = ?", (kiosk_id,)
            ).fetchone()
        return count

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _update(self, sql: str, kiosk_id: str, job_id: str) -> None:
        with self._lock:
            self._db.execute(sql, (kiosk_id, job_id))

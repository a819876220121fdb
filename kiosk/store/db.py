"""The one SQLite connection of a `Project`, its lock, and read/write transactions.

Threading: all threads share this connection (`check_same_thread=False`) and take `lock`
(re-entrant) for every statement; each use is short. Writes run in `BEGIN IMMEDIATE`
transactions, which take SQLite's write lock up front, so a check made inside one (class
count, label taken, sample exists) stays true until COMMIT, across threads and processes.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator, Sized
from pathlib import Path

from kiosk.store import schema
from kiosk.store.errors import InvalidInput, StoreError
from kiosk.store.revision import Revision

CHUNK = 500
"""Ids per `IN (...)` list, well below SQLite's limit on bound parameters."""


class Database:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.RLock()
        self._conn: sqlite3.Connection | None = schema.connect(path)
        try:
            self.revision = Revision(self._conn)
        except sqlite3.Error as exc:
            self._conn.close()
            raise StoreError(f"cannot watch {path} for changes: {exc}") from None

    def close(self) -> None:
        with self.lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def current_revision(self) -> int:
        """`revision.value`, after counting other processes' commits if the connection is free.

        Read often from the UI thread, so it never waits: while this process has a transaction
        under way (a training run writing features), it answers what it knows, and the next
        call looks again. A database error is left to the next real read or write to report.
        """
        if self.lock.acquire(blocking=False):
            try:
                if self._conn is not None:
                    self.revision.look_outside(self._conn)
            except sqlite3.Error:
                pass
            finally:
                self.lock.release()
        return self.revision.value

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f"the project database {self.path} is closed")
        return self._conn

    @contextlib.contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        with self.lock:
            try:
                yield self._connection()
            except sqlite3.Error as exc:
                raise StoreError(f"database error in {self.path}: {exc}") from exc

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One transaction: committed if the block ends normally, rolled back if it raises."""
        with self.lock:
            conn = self._connection()
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    self.revision.rolled_back()
                    raise
                self.revision.committed()
            except sqlite3.IntegrityError as exc:
                raise InvalidInput(f"refused by the database: {exc}") from exc
            except sqlite3.Error as exc:
                raise StoreError(f"database error in {self.path}: {exc}") from exc


def marks(items: Sized) -> str:
    """`?, ?, ?` placeholders for an `IN (...)` list."""
    return ",".join("?" * len(items))


def chunks(items: list[str], size: int = CHUNK) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]

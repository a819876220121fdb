"""A number that grows with every committed change to a project's classes, samples or models.

Whoever shows something derived from the project (the coach's advice) keeps the revision it judged
and looks again when `Project.revision` differs, however the change was made: a capture, a deletion
or relabelling in review, a kept generated picture, a training run, a museum wipe. The changes are
caught by temporary triggers on the connection, one per table and statement kind, so a store method
added later is counted without remembering to; the triggers live only in this connection, and the
database file is not changed. The feature cache is not watched: the coach fills it while it reads
the project, and must not wake itself.

Another process's changes (the CLI beside the kiosk: `teachbooth train --project`, `rollback`) fire
no trigger here; SQLite's `PRAGMA data_version` says when another connection has committed, and
`look_outside` counts that as one change (feature-cache writes included: another process's are rare,
and looking again costs one look).
"""

from __future__ import annotations

import sqlite3

WATCHED = ("classes", "samples", "models")
_FUNCTION = "teachbooth_changed"


class Revision:
    """Counts the committed transactions of one connection that changed a watched table.

    The connection's owner calls `committed` or `rolled_back` when a write transaction ends, under
    the lock that serialises its transactions; `value` may be read from any thread without it.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.value = 0
        self._changed = False
        self._outside = _data_version(conn)
        conn.create_function(_FUNCTION, 0, self._note_change)
        for table in WATCHED:
            for statement in ("INSERT", "UPDATE", "DELETE"):
                trigger = f"CREATE TEMP TRIGGER {table}_{statement.lower()}_counted"
                conn.execute(f"{trigger} AFTER {statement} ON main.{table} BEGIN SELECT {_FUNCTION}(); END")

    def _note_change(self) -> None:
        self._changed = True

    def committed(self) -> None:
        if self._changed:
            self.value += 1
            self._changed = False

    def rolled_back(self) -> None:
        self._changed = False

    def look_outside(self, conn: sqlite3.Connection) -> None:
        """Count the commits other connections made since the last look as one change."""
        version = _data_version(conn)
        if version != self._outside:
            self._outside = version
            self.value += 1


def _data_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA data_version").fetchone()[0]

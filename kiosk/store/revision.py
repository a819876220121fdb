"""A number that grows with every committed change to a project's classes, samples or models.

Whoever shows something derived from the project (the coach's advice) keeps the revision it judged
and looks again when `Project.revision` differs, however the change was made: a capture, a deletion
or relabelling in review, a kept generated picture, a training run, a museum wipe. The changes are
caught by temporary triggers on the connection, one per table and statement kind, so a store method
added later is counted without remembering to; the triggers live only in this connection, and the
database file is not changed. The feature cache is not watched: the coach fills it while it reads
the project, and must not wake itself. Changes made by another process (the CLI beside the kiosk)
are not seen.
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

"""The station's local record: one CSV row per verdict, on disk before the verdict goes anywhere else.

Each row is appended, flushed and fsynced before the verdict enters the outbox, so a verdict the
broker ever saw is always in this file, power cut or not (the other way round, a crash between the
two leaves a row that never reached the wire: readers of the topic see a gap in the sequence, and
the row says what it was). A file whose last line was cut short by a power cut gets a line break
before the next row, so that row stays whole; a reader skips the torn one. The file opens in any
spreadsheet; `probabilities` is a JSON object.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
from pathlib import Path

from kiosk.store.atomic import fsync_dir
from shared.protocol.station import StationVerdict

log = logging.getLogger(__name__)

COLUMNS = (
    "sequence",
    "part",
    "at",
    "label",
    "score",
    "reason",
    "candidates",
    "anomaly_score",
    "heat_map",
    "probabilities",
)
TAIL_BYTES = 64 * 1024
"""How much of the log's end is read at start-up for the last sequence number: many rows."""


def _row(verdict: StationVerdict) -> list[str]:
    def text(value: object) -> str:
        return "" if value is None else str(value)

    return [
        str(verdict.sequence),
        str(verdict.part),
        verdict.at.isoformat(),
        text(verdict.label),
        text(verdict.score),
        text(verdict.reason),
        " ".join(verdict.candidates),
        text(verdict.anomaly_score),
        text(verdict.heat_map),
        json.dumps(verdict.probabilities, ensure_ascii=False),
    ]


class VerdictLog:
    """Appends verdicts to a CSV file, one durable row each."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        new = not path.exists() or path.stat().st_size == 0
        self._file = open(path, "a", encoding="utf-8", newline="")  # noqa: SIM115 - kept open for the run
        if new:
            self._write([list(COLUMNS)])
            fsync_dir(path.parent)  # the new file's name is durable only then
        elif not _ends_with_newline(path):
            log.warning("%s: its last line was cut short (a power cut?); the next row starts anew", path)
            self._file.write("\n")
        self.last_sequence = _last_sequence(path)

    def append(self, verdict: StationVerdict) -> None:
        self._write([_row(verdict)])
        self.last_sequence = max(self.last_sequence, verdict.sequence)

    def close(self) -> None:
        self._file.close()

    def _write(self, rows: list[list[str]]) -> None:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        self._file.write(buffer.getvalue())
        self._file.flush()
        os.fsync(self._file.fileno())


def read_rows(path: Path) -> list[dict[str, str]]:
    """The log's whole rows (a torn last line, or a line cut short by a power cut, is skipped)."""
    with open(path, encoding="utf-8", newline="") as file:
        return [row for row in csv.DictReader(file) if None not in row.values() and row["sequence"].isdigit()]


def _last_sequence(path: Path) -> int:
    """The highest sequence number in the log's last rows (0 when it has none): numbering goes on from
    there. Only the tail is read, so a station that has logged for a year starts in a moment."""
    with open(path, "rb") as file:
        size = file.seek(0, os.SEEK_END)
        file.seek(max(0, size - TAIL_BYTES))
        lines = file.read().decode("utf-8", errors="replace").split("\n")
    if size > TAIL_BYTES:
        lines = lines[1:]  # the first line read is likely a row's end
    rows = csv.reader(line for line in lines if line)
    return max((int(row[0]) for row in rows if len(row) == len(COLUMNS) and row[0].isdigit()), default=0)


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as file:
        file.seek(-1, os.SEEK_END)
        return file.read(1) == b"\n"

"""The station's two records: the CSV log (first, fsynced) and the outbox with its sequence counter."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from kiosk.station.csv_log import COLUMNS, TAIL_BYTES, VerdictLog, read_rows
from kiosk.station.outbox import VerdictOutbox
from kiosk.station.verdict import NOT_SETTLED, Judgement, make_verdict

AT = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)


def verdict(sequence: int, judgement: Judgement | None = None):
    judgement = judgement or Judgement("ball", 0.75, {"ball": 0.75, "box, the big one": 0.25})
    return make_verdict("s1", sequence, sequence, judgement, AT)


def test_the_log_holds_one_row_per_verdict_and_goes_on_after_a_restart(tmp_path):
    path = tmp_path / "state" / "verdicts.csv"
    log = VerdictLog(path)
    assert log.last_sequence == 0
    log.append(verdict(1))
    log.append(verdict(2, NOT_SETTLED))
    log.close()
    again = VerdictLog(path)
    assert again.last_sequence == 2
    again.append(verdict(3))
    again.close()
    rows = read_rows(path)
    assert path.read_text().splitlines()[0] == ",".join(COLUMNS)  # one header, not one per start
    assert [row["sequence"] for row in rows] == ["1", "2", "3"]
    assert rows[0]["label"] == "ball" and rows[0]["at"] == "2025-05-01T12:00:00+00:00"
    assert json.loads(rows[0]["probabilities"]) == {"ball": 0.75, "box, the big one": 0.25}
    assert (rows[1]["label"], rows[1]["reason"], rows[1]["score"]) == ("", "not_settled", "")


def test_a_row_cut_short_by_a_power_cut_leaves_the_next_row_whole(tmp_path):
    path = tmp_path / "verdicts.csv"
    log = VerdictLog(path)
    log.append(verdict(1))
    log.close()
    with open(path, "a", encoding="utf-8") as file:
        file.write("2,2,2025-05-01T12:0")  # the power went here
    again = VerdictLog(path)
    assert again.last_sequence == 1
    again.append(verdict(2))
    again.close()
    assert [row["sequence"] for row in read_rows(path)] == ["1", "2"]


def test_only_the_tail_of_a_long_log_is_read_for_the_last_sequence(tmp_path):
    path = tmp_path / "verdicts.csv"
    log = VerdictLog(path)
    log.append(verdict(1))
    log.close()
    header, row = path.read_text().splitlines()
    count = 3 * TAIL_BYTES // len(row)
    rows = [row.replace("1,1,", f"{n},{n},", 1) for n in range(1, count + 1)]
    path.write_text("\n".join([header, *rows]) + "\n")  # 3 tails long, as if logged row by row
    assert VerdictLog(path).last_sequence == count


def test_the_outbox_keeps_verdicts_in_order_and_its_counter_across_a_restart(tmp_path):
    path = tmp_path / "outbox.sqlite"
    outbox = VerdictOutbox(path)
    assert outbox.last_sequence() == 0 and outbox.oldest() is None
    for sequence in (1, 2, 3):
        outbox.add(sequence, "t", f"v{sequence}".encode())
    outbox.remove(1)
    outbox.close()
    again = VerdictOutbox(path)
    assert (again.oldest().sequence, again.oldest().payload, again.depth()) == (2, b"v2", 2)
    again.remove(2)
    again.remove(3)
    assert again.depth() == 0
    assert again.last_sequence() == 3  # sent and gone, still counted: the next verdict is number 4
    again.close()

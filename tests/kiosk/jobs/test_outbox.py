"""The durable outbox: what is stored survives reopening, and only finished jobs leave."""

from __future__ import annotations

import subprocess
import sys

from kiosk.jobs.outbox import Outbox


def test_entries_survive_reopening(tmp_path):
    path = tmp_path / "outbox.sqlite"
    outbox = Outbox(path)
    outbox.add("k1", "a", "t/a", b"payload-a", deadline=100.0)
    outbox.add("k1", "b", "t/b", b"payload-b", deadline=200.0)
    outbox.mark_accepted("k1", "b")
    outbox.close()

    reopened = Outbox(path)
    entries = reopened.entries("k1")
    assert [(e.job_id, e.payload, e.accepted) for e in entries] == [
        ("a", b"payload-a", False),
        ("b", b"payload-b", True),
    ]
    assert reopened.depth("k1") == 2
    reopened.close()


def test_entries_are_per_kiosk_and_removal_is_final(tmp_path):
    outbox = Outbox(tmp_path / "outbox.sqlite")
    outbox.add("k1", "a", "t/a", b"x", deadline=100.0)
    outbox.add("k2", "a", "t/a2", b"y", deadline=100.0)
    outbox.remove("k1", "a")
    assert outbox.entries("k1") == []
    assert outbox.get("k2", "a").payload == b"y"
    assert outbox.get("k1", "a") is None


def test_expired_jobs_are_dropped(tmp_path):
    outbox = Outbox(tmp_path / "outbox.sqlite")
    outbox.add("k1", "old", "t/old", b"x", deadline=100.0)
    outbox.add("k1", "new", "t/new", b"y", deadline=300.0)
    assert outbox.remove_expired("k1", now=200.0) == ["old"]
    assert [entry.job_id for entry in outbox.entries("k1")] == ["new"]


def test_a_committed_job_survives_the_process_being_killed(tmp_path):
    """SIGKILL right after `add` returns: the row is on disk (WAL, synchronous=FULL)."""
    path = tmp_path / "outbox.sqlite"
    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from kiosk.jobs.outbox import Outbox\n"
        "outbox = Outbox(Path(sys.argv[1]))\n"
        "outbox.add('k1', 'kept', 't/kept', b'payload', deadline=1e12)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(path)], check=False)
    assert result.returncode == -9
    assert [entry.job_id for entry in Outbox(path).entries("k1")] == ["kept"]

"""`make demo`'s command: embedded broker, a worker process and the scripted client (--headless).

With the app, its log is opened first: the broker and the worker write to it too (test_demo_screen.py).
"""

from __future__ import annotations

import json
import subprocess
import sys

from teachbooth import cli


def test_demo_runs_the_whole_loop(tmp_path):
    out = tmp_path / "demo"
    result = subprocess.run(
        [sys.executable, "-m", "teachbooth", "demo", "--headless", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for preset in ("new_colour", "new_background"):
        record = json.loads((out / preset / "job.json").read_text())
        assert record["state"] == "done"
        assert len(list((out / preset).glob("*.jpg"))) == 4
        assert {event["worker_id"] for event in record["events"]} == {"demo-worker"}
    assert f"open {out}" in result.stdout


def test_a_log_that_cannot_be_opened_exits_2_before_anything_starts(tmp_path, monkeypatch, capsys):
    """The broker and worker write to the app's log, so it is opened first; no children are left."""
    (tmp_path / "state").write_text("")  # the state folder is a file
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("JOURNAL_STREAM", raising=False)
    code = cli.main(["demo", "--out", str(tmp_path / "demo")])
    said = capsys.readouterr().out
    assert code == 2
    assert f"cannot open the log {tmp_path / 'state' / 'teachbooth' / 'kiosk.log'}" in said
    assert "started" not in said

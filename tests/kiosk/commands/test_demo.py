"""`make demo`'s command: embedded broker, a worker process and the scripted client (--headless)."""

from __future__ import annotations

import json
import subprocess
import sys


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

"""`teachbooth doctor`: one line per check or one JSON object, exit code 1 when a check fails."""

from __future__ import annotations

import json

from kiosk.doctor import registry
from kiosk.doctor.finding import fail
from teachbooth import cli
from testkit.mosquitto import free_port


def test_all_passing_checks_print_a_line_each_and_exit_0(tmp_path, capsys):
    argv = ["doctor", "--camera", "replay:kiosk/samples", "--data-dir", str(tmp_path), "--min-free-mb", "1"]
    assert cli.main([*argv, "--only", "camera", "--only", "disk", "--only", "thermal"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in lines] == [["ok", "camera"], ["ok", "disk"], ["ok", "thermal"]]


def test_a_failing_check_makes_exit_code_1_and_json_says_why(capsys):
    argv = ["doctor", "--broker", f"mqtt://127.0.0.1:{free_port()}", "--only", "broker", "--only", "worker"]
    assert cli.main([*argv, "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    assert [(c["check"], c["status"]) for c in report["checks"]] == [("broker", "fail"), ("worker", "warn")]
    assert "cannot reach" in report["checks"][0]["message"] and report["checks"][0]["fix"]


def test_skip_leaves_a_check_out(tmp_path, capsys):
    argv = ["doctor", "--only", "disk", "--only", "thermal", "--skip", "thermal", "--data-dir", str(tmp_path)]
    assert cli.main([*argv, "--min-free-mb", "1", "--json"]) == 0
    assert [c["check"] for c in json.loads(capsys.readouterr().out)["checks"]] == ["disk"]


def test_a_crashing_check_is_reported_not_raised(monkeypatch, capsys):
    def broken(_settings):
        raise KeyError("surprise")

    monkeypatch.setitem(registry.CHECKS, "disk", broken)
    assert cli.main(["doctor", "--only", "disk"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("fail  disk") and "KeyError('surprise')" in out and "bug" in out
    assert fail("disk", "x", "y").line() == "fail  disk       x; fix: y"


def test_bad_settings_exit_2_with_the_field_named(capsys):
    assert cli.main(["doctor", "--timeout", "-1"]) == 2
    assert "timeout_s" in capsys.readouterr().err

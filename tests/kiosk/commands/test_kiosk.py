"""`teachbooth kiosk`: what it refuses before the app takes the screen, and where stderr goes meanwhile."""

from __future__ import annotations

import os

import pytest

from kiosk.commands import kiosk
from teachbooth import cli

KIOSK = ["kiosk", "--camera", "replay:kiosk/samples/replay"]


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        (["--camera", "floppy:0"], "floppy"),
        (["--broker", "http://example.org"], "mqtt://"),
        (["--admin-pin", "12"], "admin_pin"),
        (["--kiosk-id", "no spaces"], "kiosk id"),
        (["--word-file", "no/such/words.txt"], "word_file"),
    ],
)
def test_bad_options_exit_2_with_the_reason(tmp_path, capsys, extra, reason):
    code = cli.main([*KIOSK, "--project", str(tmp_path), *extra])
    assert code == 2
    assert reason in capsys.readouterr().out


def test_a_log_that_cannot_be_opened_exits_2_with_the_reason(tmp_path, capsys):
    (tmp_path / "a-file").write_text("")
    log = tmp_path / "a-file" / "kiosk.log"
    code = cli.main([*KIOSK, "--project", str(tmp_path), "--log", str(log)])
    assert code == 2
    assert f"cannot open the log {log}" in capsys.readouterr().out


class CrashingApp:
    """Stands in for the Textual app: a native library's line, then a crash report, both to fd 2."""

    def __init__(self, session, settings, *, watchdog) -> None:
        self.return_code: int | None = None

    def run(self) -> None:
        os.write(2, b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\nTraceback: it broke\n")
        self.return_code = 1


def test_a_crashed_app_exits_1_and_says_where_its_traceback_is(tmp_path, capfd, monkeypatch):
    monkeypatch.setattr(kiosk, "TeachBoothApp", CrashingApp)
    log = tmp_path / "kiosk.log"
    code = cli.main([*KIOSK, "--project", str(tmp_path / "project"), "--log", str(log)])
    assert code == 1
    said = capfd.readouterr()
    assert f"its traceback is in {log}" in said.out
    assert "XNNPACK" not in said.err
    assert log.read_text() == "INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\nTraceback: it broke\n"

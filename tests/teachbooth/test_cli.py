"""The `teachbooth` entry point: every subcommand listed, nothing heavy imported up front."""

from __future__ import annotations

import subprocess
import sys

import pytest

from teachbooth import cli


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for name in ("broker", "demo", "generate", "history", "rollback", "train", "worker"):
        assert name in out


def test_choosing_a_command_imports_only_its_side():
    probe = (
        "import sys\n"
        "from teachbooth import cli\n"
        "cli.build_parser('worker')\n"
        "heavy = ('kiosk.jobs.client', 'amqtt', 'torch', 'gpu_worker.service')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_worker_refuses_a_bad_config_with_exit_code_2():
    result = subprocess.run(
        [sys.executable, "-m", "teachbooth", "worker", "--broker", "localhost:1883"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "mqtt://" in result.stderr and "Traceback" not in result.stderr


def test_worker_refuses_a_kiosk_share_larger_than_the_queue(capsys):
    argv = ["worker", "--broker", "mqtt://127.0.0.1:1", "--queue-limit", "2", "--per-kiosk-limit", "3"]
    assert cli.main(argv) == 2
    assert "per_kiosk_limit (3) cannot exceed queue_limit (2)" in capsys.readouterr().err

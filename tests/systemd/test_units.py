from __future__ import annotations

import shlex

import pytest

from kiosk.commands.station import settings_from
from teachbooth.cli import build_parser
from tests.systemd.units import shipped_units, verify


def _settings(text: str) -> dict[str, list[str]]:
    settings: dict[str, list[str]] = {}
    for line in text.splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            settings.setdefault(key, []).append(value)
    return settings


def test_the_units_ship_the_kiosk_the_worker_and_the_station():
    assert set(shipped_units()) == {
        "teachbooth-kiosk.service",
        "teachbooth-worker.service",
        "teachbooth-station.service",
    }


def test_every_shipped_unit_passes_systemd_analyze_verify(tmp_path):
    verdict = verify(shipped_units(), tmp_path)
    assert verdict.clean, verdict.output


@pytest.mark.parametrize(
    ("breakage", "complaint"),
    [
        (("Type=notify", "Type=notifyy"), "Failed to parse service type"),
        (("Restart=", "Restrat="), "Unknown key"),
        (("ExecStart=/usr/bin/cage", "ExecStart=/usr/bin/no-such-compositor"), "is not executable"),
        (("WatchdogSec=30", "WatchdogSec=half a minute"), "Failed to parse sec value"),
    ],
)
def test_verify_catches_a_broken_unit(tmp_path, breakage, complaint):
    """The check above must be able to fail: each breakage of the kiosk unit is reported."""
    text = shipped_units()["teachbooth-kiosk.service"]
    assert breakage[0] in text
    verdict = verify({"teachbooth-kiosk.service": text.replace(breakage[0], breakage[1], 1)}, tmp_path)
    assert not verdict.clean
    assert complaint in verdict.output


def test_the_kiosk_always_comes_back_and_is_watched():
    settings = _settings(shipped_units()["teachbooth-kiosk.service"])
    assert settings["Restart"] == ["always"]
    assert settings["Type"] == ["notify"]
    assert settings["NotifyAccess"] == ["all"]  # the app runs under cage and foot, not as the main pid
    assert settings["UnsetEnvironment"] == ["WATCHDOG_PID"]
    assert int(settings["WatchdogSec"][0]) > 0
    assert settings["ExecStart"][0].split()[0] == "/usr/bin/cage"
    assert " -s " not in settings["ExecStart"][0]  # no switching away to a console


def test_the_worker_restarts_on_failure_is_watched_and_reads_its_gpu_from_the_env_file():
    settings = _settings(shipped_units()["teachbooth-worker.service"])
    assert settings["Restart"] == ["on-failure"]
    assert settings["Type"] == ["notify"]
    assert int(settings["WatchdogSec"][0]) > 0
    assert settings["EnvironmentFile"] == ["/etc/teachbooth/worker.env"]


def test_the_worker_command_line_is_one_teachbooth_accepts(monkeypatch):
    """The unit gives no secrets on the command line: broker and id come from its EnvironmentFile."""
    exec_start = _settings(shipped_units()["teachbooth-worker.service"])["ExecStart"][0]
    assert "TEACHBOOTH_BROKER" not in exec_start
    monkeypatch.setenv("TEACHBOOTH_BROKER", "mqtts://w1:pw@b:8883")
    monkeypatch.setenv("TEACHBOOTH_WORKER_ID", "w1")
    args = build_parser("worker").parse_args(shlex.split(exec_start)[1:])
    assert (args.command, args.broker, args.worker_id) == ("worker", "mqtts://w1:pw@b:8883", "w1")


def test_the_kiosk_command_line_is_one_teachbooth_accepts(monkeypatch):
    """cage runs foot runs `teachbooth kiosk`; the broker URL and kiosk id come from the EnvironmentFile."""
    exec_start = _settings(shipped_units()["teachbooth-kiosk.service"])["ExecStart"][0]
    assert "TEACHBOOTH_BROKER" not in exec_start
    teachbooth = shlex.split(exec_start)
    argv = teachbooth[next(i for i, arg in enumerate(teachbooth) if arg.endswith("/teachbooth")) + 1 :]
    monkeypatch.setenv("TEACHBOOTH_BROKER", "mqtts://k1:pw@b:8883")
    monkeypatch.setenv("TEACHBOOTH_KIOSK_ID", "k1")
    monkeypatch.delenv("JOURNAL_STREAM", raising=False)  # else the default is the journal already
    args = build_parser("kiosk").parse_args(argv)
    assert (args.command, args.broker, args.kiosk_id) == ("kiosk", "mqtts://k1:pw@b:8883", "k1")
    assert str(args.project) == "/var/lib/teachbooth/project"
    assert args.log == "journal"  # foot's terminal is the app's stderr: the log needs a stream of its own


HARDENING = (
    "NoNewPrivileges",
    "ProtectSystem",
    "ProtectHome",
    "PrivateTmp",
    "ProtectKernelTunables",
    "ProtectKernelModules",
    "ProtectControlGroups",
    "RestrictSUIDSGID",
    "RestrictRealtime",
    "LockPersonality",
)


def test_the_station_is_hardened_like_the_worker_restarts_on_failure_and_is_watched():
    station = _settings(shipped_units()["teachbooth-station.service"])
    worker = _settings(shipped_units()["teachbooth-worker.service"])
    for key in HARDENING:
        assert station.get(key) == worker[key], key
    assert station["Restart"] == ["on-failure"]
    assert station["Type"] == ["notify"]
    assert int(station["WatchdogSec"][0]) > 0
    assert station["KillSignal"] == ["SIGTERM"]  # the station says `offline` itself and exits 0
    assert station["EnvironmentFile"] == ["/etc/teachbooth/station.env"]
    assert station["SupplementaryGroups"] == ["video"]  # the camera's devices


def test_the_station_command_line_is_one_teachbooth_accepts_with_its_state_in_the_state_directory(
    monkeypatch,
):
    """The broker URL and the station id come from the EnvironmentFile; the state folder is the one
    systemd makes for the unit (StateDirectory=, given to the process as $STATE_DIRECTORY)."""
    unit = _settings(shipped_units()["teachbooth-station.service"])
    exec_start = unit["ExecStart"][0]
    assert "TEACHBOOTH_BROKER" not in exec_start
    monkeypatch.setenv("TEACHBOOTH_BROKER", "mqtts://s1:pw@b:8883")
    monkeypatch.setenv("TEACHBOOTH_STATION_ID", "s1")
    monkeypatch.setenv("STATE_DIRECTORY", f"/var/lib/{unit['StateDirectory'][0]}")
    args = build_parser("station").parse_args(shlex.split(exec_start)[1:])
    settings = settings_from(args)  # the whole command line validates: camera spec, broker URL, id
    assert (args.command, settings.broker, settings.station_id) == ("station", "mqtts://s1:pw@b:8883", "s1")
    assert str(settings.state_dir) == "/var/lib/teachbooth-station"
    assert settings.model.parent == settings.state_dir  # the model lives with the state: kept on upgrades

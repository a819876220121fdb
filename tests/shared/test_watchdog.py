"""sd_notify against a real AF_UNIX datagram socket standing in for systemd's."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Iterator

import pytest

from shared.watchdog import Notifier, Watchdog


class FakeSystemd:
    """The receiving end of NOTIFY_SOCKET: a real socket, read with a timeout, never a sleep."""

    def __init__(self, address: str, bind_to: str) -> None:
        self.address = address
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.socket.bind(bind_to)
        self.socket.settimeout(5)

    def next(self) -> str:
        return self.socket.recv(4096).decode()


@pytest.fixture(params=["path", "abstract"])
def systemd(request, tmp_path) -> Iterator[FakeSystemd]:
    if request.param == "path":
        path = str(tmp_path / "notify")
        receiver = FakeSystemd(path, path)
    else:
        name = f"teachbooth-test-{secrets.token_hex(6)}"
        receiver = FakeSystemd(f"@{name}", f"\0{name}")
    yield receiver
    receiver.socket.close()


def _watchdog(systemd: FakeSystemd, usec: str = "100000", **extra: str) -> Watchdog:
    return Watchdog.from_environment(
        {"NOTIFY_SOCKET": systemd.address, "WATCHDOG_USEC": usec, **extra}, pid=42
    )


def test_ready_and_stopping_reach_systemd(systemd):
    watchdog = _watchdog(systemd, usec="0")
    watchdog.ready(status="camera and models loaded")
    assert systemd.next() == "READY=1\nSTATUS=camera and models loaded"
    watchdog.stopping()
    assert systemd.next() == "STOPPING=1"


def test_pings_come_every_half_watchdog_period_while_the_main_loop_is_alive(systemd):
    watchdog = _watchdog(systemd, usec="100000")
    assert watchdog.interval_s == pytest.approx(0.05)
    watchdog.ready()
    assert systemd.next() == "READY=1"
    for _ in range(3):
        watchdog.alive()
        assert systemd.next() == "WATCHDOG=1"
    watchdog.stopping()
    assert systemd.next() == "STOPPING=1"


def test_a_silent_main_loop_gets_no_ping(systemd):
    """Driven round by round: a marker sent after the silent round proves nothing went out before it."""
    watchdog = _watchdog(systemd, usec="60000000")  # the thread would not tick within this test
    assert watchdog.tick() is False
    watchdog.notifier.notify("STATUS=marker")
    assert systemd.next() == "STATUS=marker"
    watchdog.alive()
    assert watchdog.tick() is True
    assert systemd.next() == "WATCHDOG=1"
    assert watchdog.tick() is False  # one beat buys one ping


@pytest.mark.parametrize(
    ("environ", "enabled"),
    [
        ({"WATCHDOG_USEC": "30000000"}, True),
        ({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "42"}, True),
        ({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "7"}, False),  # another process's watchdog
        ({"WATCHDOG_USEC": "0"}, False),
        ({"WATCHDOG_USEC": "soon"}, False),
        ({}, False),
    ],
)
def test_the_watchdog_is_on_only_when_systemd_set_it_for_this_process(environ, enabled):
    watchdog = Watchdog.from_environment({"NOTIFY_SOCKET": "/run/systemd/notify", **environ}, pid=42)
    assert watchdog.enabled is enabled


def test_outside_systemd_everything_is_a_quiet_no_op():
    watchdog = Watchdog.from_environment({}, pid=42)
    watchdog.ready()
    watchdog.alive()
    assert watchdog.notifier.notify("WATCHDOG=1") is False
    watchdog.stopping()


def test_a_vanished_socket_is_reported_not_raised(tmp_path):
    assert Notifier(str(tmp_path / "gone")).notify("READY=1") is False

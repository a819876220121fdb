"""Under systemd the app says READY once its first step shows and pings the watchdog from its event loop."""

from __future__ import annotations

import socket

import pytest

from shared.watchdog import Notifier, Watchdog
from tests.kiosk.tui.conftest import SIZE
from tests.kiosk.tui.pilot_helpers import wait_until

pytestmark = pytest.mark.asyncio


async def test_the_event_loop_tells_systemd_it_is_alive(make_app, tmp_path, monkeypatch):
    monkeypatch.setattr("kiosk.tui.app.WATCHDOG_BEAT_S", 0.05)
    address = str(tmp_path / "notify.sock")
    receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    receiver.bind(address)
    receiver.setblocking(False)
    watchdog = Watchdog(Notifier(address), interval_s=0.1)
    app = make_app()
    app.watchdog = watchdog
    received: list[str] = []

    def read() -> bool:
        try:
            while True:
                received.append(receiver.recv(4096).decode())
        except BlockingIOError:
            return received.count("WATCHDOG=1") >= 2

    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, read)
        assert received[0].startswith("READY=1")
    finally:
        watchdog.stopping()
        receiver.close()

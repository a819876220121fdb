"""`make demo` in a real terminal: its broker's and worker's messages go to the log, never on the app.

`teachbooth demo` starts the embedded broker and a worker as processes of their own before the app
takes the screen; they used to keep the terminal as their stdout and stderr, so the worker's warning
at start-up ("broker offers no shared subscriptions") and whatever the broker logged later were
drawn over the app. This runs the real demo in a pseudo-terminal, waits for the app and the worker
online in its status bar, makes the broker log a warning of its own by connecting and saying nothing
MQTT, leaves through the admin screen, and reads the screen, everything written to the terminal and
the log.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import sys
from pathlib import Path

import pytest

from kiosk.tui.config import KioskSettings
from testkit.terminal import Terminal
from tests.kiosk.tui.test_clean_screen import kiosk_terminal

PIN = KioskSettings().admin_pin
"""The demo's app takes the default settings."""
WORKER_WARNING = "broker offers no shared subscriptions"
"""The worker's start-up warning: amqtt has no shared subscriptions."""
BROKER_WARNING = "Failed to initialize client session"
"""amqtt's warning for a connection that never sends CONNECT."""
CHILD_MARKERS = (WORKER_WARNING, BROKER_WARNING, "amqtt", "gpu_worker", "WARNING", "ERROR")
pytestmark = pytest.mark.timeout(600)


def say_nothing_mqtt(port: int) -> None:
    """Connect to the broker and hang up without a CONNECT packet: the broker logs a warning."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(b"not mqtt\n")


def everywhere(log: Path, terminal: Terminal) -> str:
    """The log and all written to the terminal: to wait for a line wherever it went."""
    return log.read_text(errors="replace") + terminal.text()


def test_the_demos_broker_and_worker_log_to_the_kiosk_log_never_over_the_app(tmp_path):
    log = tmp_path / "state" / "teachbooth" / "kiosk.log"
    command = [sys.executable, "-m", "teachbooth", "demo", f"--out={tmp_path / 'demo'}"]
    terminal = kiosk_terminal(command, tmp_path / "state")
    try:
        terminal.wait_for(f"log to {log}")
        terminal.wait_for("worker 'demo-worker' started")
        port = int(re.search(r"broker mqtt://127\.0\.0\.1:(\d+)", terminal.text())[1])
        terminal.wait_for_screen("Type a name, e.g. apple")
        terminal.wait_for_screen(r"Worker: online \(demo-worker\)")
        say_nothing_mqtt(port)
        # Wherever it went: the assertions below tell the log from the terminal.
        terminal.wait_until(lambda: BROKER_WARNING in everywhere(log, terminal), "the broker's warning")
        shown = terminal.screen
        exit_code = terminal.exit_through_admin(PIN)
    finally:
        with contextlib.suppress(ProcessLookupError):  # the broker and worker of a demo that hung
            os.killpg(terminal.process.pid, signal.SIGKILL)
        terminal.close()

    written = terminal.text()
    assert [marker for marker in CHILD_MARKERS if marker in shown] == [], shown
    assert [marker for marker in CHILD_MARKERS if marker in written] == [], written[-3000:]
    assert exit_code == 0, written[-3000:]
    logged = log.read_text(errors="replace")
    assert WORKER_WARNING in logged, logged
    assert BROKER_WARNING in logged, logged
    assert "worker demo-worker is online" in logged, logged  # the app's own logging, in the same file

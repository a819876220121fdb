"""The real kiosk in a real terminal: native libraries' messages never reach the screen.

TFLite, absl and MediaPipe log from C++ straight to file descriptor 2 when the Capture step first
loads them ("INFO: Created TensorFlow Lite XNNPACK delegate for CPU.", "WARNING: All log messages
before absl::InitializeLog() …", "… Feedback manager requires …"), and those lines used to be drawn
over the app. Only the real app with the real libraries shows it, so this runs `teachbooth kiosk` on
the replay footage in a pseudo-terminal of the Pi's 100x30 cells, goes to Capture, waits for the live
preview, and reads both the screen and everything the app ever wrote to the terminal.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from testkit.terminal import PAGE_DOWN, Terminal

REPO = Path(__file__).resolve().parents[3]
COLUMNS, LINES = 100, 30
PIN = "1357"
STEP_TIMEOUT_S = 150.0
"""Generous: on two busy cores the first start imports Textual, MediaPipe and TFLite cold."""
NATIVE_MARKERS = ("INFO:", "WARNING:", "XNNPACK", "absl", "Feedback manager")
pytestmark = pytest.mark.timeout(600)


def kiosk_environment(state_home: Path) -> dict[str, str]:
    """This environment with the log in `state_home`: no journal, no kiosk settings from outside."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key != "JOURNAL_STREAM" and not key.startswith(("TEACHBOOTH_", "TEXTUAL"))
    }
    return {**environment, "XDG_STATE_HOME": str(state_home)}


def kiosk_terminal(command: list[str], state_home: Path) -> Terminal:
    """`command` from the checkout on a terminal of the Pi display's size, its log in `state_home`."""
    return Terminal(
        command,
        cwd=REPO,
        environment=kiosk_environment(state_home),
        columns=COLUMNS,
        lines=LINES,
        timeout_s=STEP_TIMEOUT_S,
    )


def add_class(terminal: Terminal, name: str) -> None:
    """Type a name, then Enter once it shows in the field, as a person types on the touch keyboard."""
    terminal.type(name)
    terminal.wait_for_screen(name)
    terminal.type("\r")
    terminal.wait_for_screen(rf"{name}  \(0 photos\)")


def test_native_library_messages_go_to_the_log_never_over_the_app(tmp_path):
    command = [
        sys.executable,
        "-m",
        "teachbooth",
        "kiosk",
        f"--camera=replay:{REPO / 'kiosk/samples/replay'}?fps=15",
        f"--project={tmp_path / 'project'}",
        f"--admin-pin={PIN}",
        f"--export-dir={tmp_path}",
    ]
    terminal = kiosk_terminal(command, tmp_path / "state")
    try:
        terminal.wait_for_screen("Type a name, e.g. apple")
        add_class(terminal, "kiwi")
        add_class(terminal, "plum")
        terminal.type(PAGE_DOWN)  # to Capture, where MediaPipe and TFLite load
        terminal.wait_for_screen(r"\d+\.\d fps")  # the live preview runs: masker and backbone are up
        shown = terminal.screen
        exit_code = terminal.exit_through_admin(PIN)  # out the front door, as staff leave
    finally:
        terminal.close()

    written = terminal.text()
    assert [marker for marker in NATIVE_MARKERS if marker in shown] == [], shown
    assert [marker for marker in NATIVE_MARKERS if marker in written] == [], written[-3000:]
    assert exit_code == 0, written[-3000:]
    log = (tmp_path / "state" / "teachbooth" / "kiosk.log").read_text(errors="replace")
    # Without the libraries' lines in the log this test would prove nothing: if an upgrade silenced
    # them, find what the new versions print and check for that instead.
    assert "XNNPACK" in log, log

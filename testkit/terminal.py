"""One command in a pseudo-terminal, read as a person would: the screen now, and all it ever wrote.

The kiosk is a full-screen terminal app, so its tests start the real command on a real pty of a
chosen size. Everything it writes goes through pyte, a VT100 emulator, so `screen` is the text the
terminal shows at this moment; the bytes are kept too, and `text()` is all of them with the escape
sequences removed. The two answer different questions: a step is reached when the screen shows it,
but "this never showed" needs everything written, because a line drawn over the app and painted over
a frame later is gone from the screen, not from what the person saw flash past.

Tests wait on what shows (`wait_for`, `wait_for_screen`), with a deadline, never on the clock.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import termios
import time
from collections.abc import Callable
from pathlib import Path

import pyte

ESCAPE = re.compile(
    r"\x1b(\[[0-?]*[ -/]*[@-~]"  # CSI: cursor moves, colours, mode switches
    r"|\][^\x07\x1b]*(\x07|\x1b\\)"  # OSC: window title, hyperlinks
    r"|[P_^][^\x1b]*\x1b\\"  # DCS, APC, PM: graphics queries
    r"|[()][0-9A-Za-z]|[@-Z\\-_=>78])"  # character sets and the two-byte escapes
)

PAGE_DOWN, CTRL_A, BACK_TAB = "\x1b[6~", "\x01", "\x1b[Z"


class Terminal:
    """`command` on a pty of `columns` x `lines`; waits give up after `timeout_s` unless told."""

    def __init__(
        self,
        command: list[str],
        *,
        cwd: Path,
        environment: dict[str, str],
        columns: int,
        lines: int,
        timeout_s: float,
    ) -> None:
        self.timeout_s = timeout_s
        self.master, replica = pty.openpty()
        fcntl.ioctl(replica, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        self.process = subprocess.Popen(
            command,
            stdin=replica,
            stdout=replica,
            stderr=replica,
            cwd=cwd,
            env={**environment, "TERM": "xterm-256color"},
            start_new_session=True,
        )
        os.close(replica)
        self.output = b""
        self._screen = pyte.Screen(columns, lines)
        self._stream = pyte.ByteStream(self._screen)

    @property
    def screen(self) -> str:
        """What the terminal shows now, one line of text per row."""
        return "\n".join(self._screen.display)

    def text(self, since: int = 0) -> str:
        """What the command wrote after the first `since` bytes, as text."""
        return ESCAPE.sub("", self.output[since:].decode(errors="replace"))

    def type(self, keys: str) -> int:
        """Send `keys`; the length of the output before them, for `wait_for(..., since=)`."""
        since = len(self.output)
        os.write(self.master, keys.encode())
        return since

    def wait_for(self, text: str, *, since: int = 0, timeout: float | None = None) -> None:
        """Read until `text` shows in what the command wrote after the first `since` bytes."""
        self._wait(lambda: text in self.text(since), repr(text), timeout)

    def wait_for_screen(self, pattern: str, *, timeout: float | None = None) -> re.Match[str]:
        """Read until the screen matches the regular expression `pattern`; the match."""
        self._wait(lambda: re.search(pattern, self.screen) is not None, f"/{pattern}/ on the screen", timeout)
        match = re.search(pattern, self.screen)
        assert match is not None
        return match

    def wait_until(self, condition: Callable[[], bool], what: str, *, timeout: float | None = None) -> None:
        """Read on until `condition()` holds, for what shows elsewhere (a log file) while the app runs."""
        self._wait(condition, what, timeout)

    def wait_for_exit(self, timeout: float | None = None) -> int:
        """The exit code; reads on meanwhile: a command blocked writing to a full terminal never ends."""
        deadline = time.monotonic() + (self.timeout_s if timeout is None else timeout)
        while time.monotonic() < deadline and self._read(deadline - time.monotonic()):
            pass
        return self.process.wait(timeout=max(deadline - time.monotonic(), 1.0))

    def exit_through_admin(self, pin: str) -> int:
        """Leave the kiosk app as staff do; its exit code. Ctrl+A, the PIN, then Shift+Tab from
        Close (where the admin screen opens) to "Exit the app", and Enter: one key, or the PIN's
        digits, at a time, each sent once the screen shows the last one landed."""
        self.wait_for("Admin: enter the PIN", since=self.type(CTRL_A))
        self.wait_for("● " * len(pin), since=self.type(pin))
        self.wait_for("Exit the app", since=self.type("\r"))
        self.wait_for("Exit the app", since=self.type(BACK_TAB))  # drawn again, focused
        self.type("\r")
        return self.wait_for_exit()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)

    def _wait(self, shown: Callable[[], bool], what: str, timeout: float | None) -> None:
        timeout = self.timeout_s if timeout is None else timeout
        deadline = time.monotonic() + timeout
        while not shown():
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._read(remaining):
                raise AssertionError(f"{what} did not show within {timeout:g} s; the screen:\n{self.screen}")

    def _read(self, timeout: float) -> bool:
        """Add what the command wrote within `timeout` to the output; False once it closed the terminal."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.master, 65536)
        except OSError:  # EIO: every process holding the terminal has exited
            return False
        self.output += data
        self._stream.feed(data)
        return bool(data)

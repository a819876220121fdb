"""Helpers of the pilot tests: waiting for a worker thread by condition (never a fixed sleep), and
reading what a widget shows."""

from __future__ import annotations

import io
import time
from collections.abc import Callable

from rich.console import Console
from textual.widgets import Static

POLL_S = 0.02


async def wait_until(pilot, condition: Callable[[], bool], timeout: float = 15.0) -> None:
    """Let the app run until `condition()` holds; AssertionError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout} s waiting for {condition}")
        await pilot.pause(POLL_S)


def shown(widget: Static) -> str:
    """The text a widget shows (tables and bars included), as plain text."""
    out = io.StringIO()
    Console(width=max(widget.size.width, 40), file=out, color_system=None).print(widget.content)
    return out.getvalue()


async def tap(pilot, selector: str, times: int = 1) -> None:
    """Click like a finger and let the app handle it (the button's message included) before going on.

    A Button ignores clicks for its 0.2 s press animation (the "-active" class), so a second tap on
    the same button first waits for that to end, as a finger would."""
    target = pilot.app.screen.query(selector).first()
    await wait_until(pilot, lambda: not target.has_class("-active"))
    await pilot.click(selector, times=times)
    await pilot.pause()

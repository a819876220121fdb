"""Waiting in pilot tests for something a worker thread does, by condition, never by a fixed sleep."""

from __future__ import annotations

import time
from collections.abc import Callable

POLL_S = 0.02


async def wait_until(pilot, condition: Callable[[], bool], timeout: float = 15.0) -> None:
    """Let the app run until `condition()` holds; AssertionError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout} s waiting for {condition}")
        await pilot.pause(POLL_S)

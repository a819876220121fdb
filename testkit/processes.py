"""Stopping a service the test started as systemd would: SIGTERM first, a kill only if ignored."""

from __future__ import annotations

import signal
import subprocess


def ended_on_sigterm(process: subprocess.Popen, timeout_s: float = 15.0) -> bool:
    """Send SIGTERM to a running `process` and wait; False if it was still running `timeout_s`
    later (the caller kills it), True if it ended or had already."""
    if process.poll() is not None:
        return True
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return False
    return True

"""Keep what native libraries write to stderr off the screen the kiosk's app draws on.

TFLite ("Created TensorFlow Lite XNNPACK delegate"), absl and MediaPipe ("Feedback manager requires
…") log from C++ straight to file descriptor 2 when the Capture step first loads them. Python's
``sys.stderr`` never sees those writes, and on a terminal fd 2 is the screen itself, so they were
drawn over the app. Only pointing fd 2 elsewhere (``os.dup2``) catches them.

Textual's Linux driver draws on ``sys.__stderr__`` too, the same fd 2, so the app needs the
terminal by another way: while redirected, ``sys.__stderr__`` is a file on a duplicate of the
terminal's descriptor, which the driver picks up when the app is built. ``sys.stderr`` stays on
fd 2, so Python's logging and the tracebacks it prints (Textual's crash report among them) land in
the log with the libraries' lines. On the way out fd 2 and ``sys.__stderr__`` are put back, so
whatever goes wrong after the app has closed reaches the person at the terminal.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

STDERR_FD = 2


@contextmanager
def native_stderr_to(log_fd: int) -> Iterator[TextIO]:
    """Send fd 2 to `log_fd` (the caller's, left open) inside; yield the terminal as a text file.

    The yielded file is also ``sys.__stderr__`` inside, so build the Textual app inside the block.
    """
    original = sys.__stderr__
    _flush(sys.stderr, original)
    terminal_fd = os.dup(STDERR_FD)
    encoding = getattr(original, "encoding", None) or "utf-8"
    terminal = open(terminal_fd, "w", encoding=encoding, errors="backslashreplace")  # noqa: SIM115
    try:
        os.dup2(log_fd, STDERR_FD)
        sys.__stderr__ = terminal
        yield terminal
    finally:
        _flush(sys.stderr, terminal)
        os.dup2(terminal_fd, STDERR_FD)
        sys.__stderr__ = original
        terminal.close()


def _flush(*streams: TextIO | None) -> None:
    """Write out what Python still buffers, so it lands on the side of the switch it was written on."""
    for stream in streams:
        if stream is not None and not stream.closed:
            stream.flush()

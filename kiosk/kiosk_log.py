"""Where the kiosk's log goes while the app holds the screen: the journal under systemd, else a file.

While the app runs, fd 2 (native libraries' messages, Python's logging, tracebacks) is pointed away
from the terminal (`kiosk.native_stderr`) and into this log. Under systemd it is the journal, with
the unit's other lines: the unit's own stderr is the journal, but the app runs inside foot, whose
terminal is the app's stderr, so the kiosk opens a stream of its own to journald, as `systemd-cat`
does (sd_journal_stream_fd(3)). ``$JOURNAL_STREAM``, set by systemd for a service whose output goes
to the journal, says there is one. Elsewhere it is a file in the XDG state folder,
``~/.local/state/teachbooth/kiosk.log``; the previous run's file is kept as ``kiosk.log.1``, so the
lines of a run that crashed survive the restart without the log growing run after run.

What a thread or a finaliser raises and nobody catches is logged too (`uncaught_errors_logged`):
Python prints it to ``sys.stderr``, which Textual swaps for a capture of its own for the whole run.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

JOURNAL = "journal"
JOURNAL_SOCKET = "/run/systemd/journal/stdout"
"""journald's socket for streams, the one a unit's stdout and stderr are connected to."""
IDENTIFIER = "teachbooth-kiosk"
"""The lines' SYSLOG_IDENTIFIER: `journalctl -t teachbooth-kiosk` shows them under any unit."""
LOG_INFO = 6
"""The lines' priority, what systemd gives a service's stderr by default."""

log = logging.getLogger(__name__)


def default_log() -> str:
    """The journal under a systemd service that logs to it, else the state folder's file."""
    return JOURNAL if os.environ.get("JOURNAL_STREAM") else str(default_log_file())


def default_log_file() -> Path:
    """``$XDG_STATE_HOME/teachbooth/kiosk.log`` (``~/.local/state/teachbooth/kiosk.log``)."""
    state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return state / "teachbooth" / "kiosk.log"


def describe(target: str) -> str:
    """Where to read the log, in words for the admin."""
    return f"the journal (journalctl -t {IDENTIFIER})" if target == JOURNAL else target


def open_log(target: str) -> int:
    """A descriptor open for writing on `target` (`JOURNAL` or a file path); OSError says why not."""
    if target == JOURNAL:
        return open_journal_stream()
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_file():  # never a device such as /dev/null
        path.replace(path.with_name(path.name + ".1"))
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o600)


def open_journal_stream(socket_path: str = JOURNAL_SOCKET) -> int:
    """A stream to journald whose every line becomes one journal entry (sd_journal_stream_fd(3)).

    The header names the identifier, no unit id, the priority, then "no level prefix" and no
    forwarding to syslog, kmsg or the console: journald reads seven lines before the text.
    """
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as stream:
        stream.connect(socket_path)
        stream.shutdown(socket.SHUT_RD)
        stream.sendall(f"{IDENTIFIER}\n\n{LOG_INFO}\n0\n0\n0\n0\n".encode())
        return stream.detach()


@contextmanager
def uncaught_errors_logged() -> Iterator[None]:
    """Inside, a thread's uncaught exception and an unraisable one are logged with their traceback.

    Python's own hooks print them to ``sys.stderr``, which Textual replaces while the app runs with a
    capture that drops what it is given, so a camera or MQTT thread dying left no trace. Logging's
    handler keeps the stream it was made with, fd 2, which is the kiosk log by then. The hooks that
    were there are put back on the way out.
    """
    previous = threading.excepthook, sys.unraisablehook
    threading.excepthook, sys.unraisablehook = _log_thread_exception, _log_unraisable
    try:
        yield
    finally:
        threading.excepthook, sys.unraisablehook = previous


def _log_thread_exception(args: threading.ExceptHookArgs) -> None:
    if issubclass(args.exc_type, SystemExit):  # a thread's way to end quietly; the default hook agrees
        return
    name = args.thread.name if args.thread is not None else "?"
    log.error(
        "uncaught exception in thread %s", name, exc_info=(args.exc_type, args.exc_value, args.exc_traceback)
    )


def _log_unraisable(args: sys.UnraisableHookArgs) -> None:
    """An exception Python could not raise (in ``__del__``, a finaliser, a callback), as it says."""
    log.error(
        "%s: %r",
        args.err_msg or "Exception ignored in",
        args.object,
        exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
    )

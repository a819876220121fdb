"""Where the kiosk's log goes (the journal under systemd, else a file that keeps the previous run's),
and that what a thread raises while Textual holds `sys.stderr` reaches it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from kiosk.kiosk_log import (
    JOURNAL,
    default_log,
    describe,
    open_journal_stream,
    open_log,
    uncaught_errors_logged,
)


def test_under_systemd_the_log_is_the_journal(monkeypatch):
    monkeypatch.setenv("JOURNAL_STREAM", "8:12345")
    assert default_log() == JOURNAL
    assert "journalctl -t teachbooth-kiosk" in describe(JOURNAL)


def test_elsewhere_the_log_is_a_file_in_the_xdg_state_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("JOURNAL_STREAM", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert default_log() == str(tmp_path / "teachbooth" / "kiosk.log")
    monkeypatch.delenv("XDG_STATE_HOME")
    assert default_log() == str(Path.home() / ".local/state/teachbooth/kiosk.log")


def test_a_log_file_is_made_with_its_folder_and_keeps_the_previous_run_as_dot_1(tmp_path):
    path = tmp_path / "state" / "kiosk.log"
    for run in ("first run\n", "second run\n"):
        fd = open_log(str(path))
        os.write(fd, run.encode())
        os.close(fd)
    assert path.read_text() == "second run\n"
    assert (tmp_path / "state" / "kiosk.log.1").read_text() == "first run\n"
    assert path.stat().st_mode & 0o777 == 0o600  # tracebacks may name the visitor's labels


def test_a_log_that_cannot_be_made_says_why(tmp_path):
    (tmp_path / "a-file").write_text("")
    with pytest.raises(OSError):
        open_log(str(tmp_path / "a-file" / "kiosk.log"))


def test_the_journal_stream_speaks_journalds_stream_protocol(tmp_path):
    """A stand-in journald: seven header lines (identifier, unit, priority, level prefix, syslog,
    kmsg, console), then the text, each line of which journald makes an entry."""
    address = str(tmp_path / "stdout")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as journald:
        journald.bind(address)
        journald.listen(1)
        fd = open_journal_stream(address)
        os.write(fd, b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\n")
        os.close(fd)
        connection, _ = journald.accept()
        with connection:
            received = b""
            while chunk := connection.recv(4096):
                received += chunk
    assert received.decode().split("\n") == [
        "teachbooth-kiosk",
        "",
        "6",
        "0",
        "0",
        "0",
        "0",
        "INFO: Created TensorFlow Lite XNNPACK delegate for CPU.",
        "",
    ]


UNCAUGHT_CHILD = """
import contextlib, io, logging, os, sys, threading
from kiosk.kiosk_log import uncaught_errors_logged
from kiosk.native_stderr import native_stderr_to

class Finalised:
    def __del__(self):
        raise OSError("the camera was already closed")

def camera_loop():
    raise ValueError("the camera thread broke")

logging.basicConfig(format="%(levelname)s %(message)s")
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND)
with native_stderr_to(fd), uncaught_errors_logged():
    with contextlib.redirect_stderr(io.StringIO()):  # as Textual does for the whole run
        thread = threading.Thread(target=camera_loop, name="camera")
        thread.start()
        thread.join()
        Finalised()
"""


def test_what_a_thread_or_a_finaliser_raises_while_textual_holds_stderr_lands_in_the_log(tmp_path):
    """In a child of its own: the kiosk's logging goes to fd 2, pytest's would go to its capture."""
    log = tmp_path / "kiosk.log"
    subprocess.run([sys.executable, "-c", UNCAUGHT_CHILD, str(log)], check=True)
    logged = log.read_text()
    assert "ERROR uncaught exception in thread camera\nTraceback (most recent call last):" in logged
    assert ", in camera_loop\nValueError: the camera thread broke\n" in logged
    assert "ERROR Exception ignored in: <function Finalised.__del__" in logged
    assert "OSError: the camera was already closed" in logged


def test_the_hooks_that_were_there_come_back_afterwards(monkeypatch):
    def thread_hook(args):
        pass

    def unraisable_hook(args):
        pass

    monkeypatch.setattr(threading, "excepthook", thread_hook)
    monkeypatch.setattr(sys, "unraisablehook", unraisable_hook)
    with pytest.raises(RuntimeError), uncaught_errors_logged():
        assert (threading.excepthook, sys.unraisablehook) != (thread_hook, unraisable_hook)
        raise RuntimeError("the app crashed")
    assert (threading.excepthook, sys.unraisablehook) == (thread_hook, unraisable_hook)

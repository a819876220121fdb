"""`native_stderr_to`: what goes to fd 2 lands in the log, the app keeps the terminal, and both return.

pytest captures file descriptor 2 itself (capfd), so here "the terminal" is what capfd reads.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from kiosk.native_stderr import native_stderr_to


@pytest.fixture
def log_file(tmp_path):
    path = tmp_path / "kiosk.log"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    yield path, fd
    os.close(fd)


def test_a_child_process_writing_to_fd_2_lands_in_the_log_not_on_the_terminal(capfd, log_file):
    path, fd = log_file
    with native_stderr_to(fd):
        # A native library is C writing to descriptor 2; a child process inherits it as it is.
        subprocess.run(["sh", "-c", "echo 'INFO: Created TensorFlow Lite XNNPACK delegate' >&2"], check=True)
        os.write(2, b"W0000 Feedback manager requires a model\n")
    assert capfd.readouterr().err == ""
    assert path.read_text().splitlines() == [
        "INFO: Created TensorFlow Lite XNNPACK delegate",
        "W0000 Feedback manager requires a model",
    ]


def test_the_terminal_stays_reachable_through_sys_dunder_stderr_for_the_app(capfd, log_file):
    """Textual's driver draws on `sys.__stderr__`: inside, that is the terminal, not the log."""
    path, fd = log_file
    with native_stderr_to(fd) as terminal:
        assert sys.__stderr__ is terminal
        terminal.write("the app's frame")
        terminal.flush()
    assert capfd.readouterr().err == "the app's frame"
    assert path.read_text() == ""


LOGGING_CHILD = """
import logging, os, sys
from kiosk.native_stderr import native_stderr_to
logging.basicConfig(format="%(message)s")
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND)
with native_stderr_to(fd):
    logging.warning("the camera stalled")
logging.warning("after the app")
"""


def test_python_logging_lands_in_the_log_while_redirected_and_on_the_terminal_after(tmp_path):
    """In a child of its own: pytest swaps `sys.stderr` for its capture, the kiosk has Python's own."""
    log = tmp_path / "kiosk.log"
    done = subprocess.run(
        [sys.executable, "-c", LOGGING_CHILD, str(log)], capture_output=True, text=True, check=True
    )
    assert done.stderr == "after the app\n"
    assert log.read_text() == "the camera stalled\n"


def test_fd_2_and_sys_dunder_stderr_come_back_even_when_the_app_crashes(capfd, log_file):
    path, fd = log_file
    original = sys.__stderr__
    with pytest.raises(RuntimeError), native_stderr_to(fd) as terminal:
        raise RuntimeError("the app crashed")
    assert sys.__stderr__ is original
    assert terminal.closed
    os.write(2, b"a traceback after the app closed\n")
    assert capfd.readouterr().err == "a traceback after the app closed\n"
    assert path.read_text() == ""

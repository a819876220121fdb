"""Run the whole loop locally: embedded broker, a classic worker, and the kiosk app on replay footage.

The kiosk app opens on the bundled replay footage (kiosk/samples/replay) with a fresh project in
--out, talking to the embedded broker and a local classic worker. --headless runs the scripted
client instead (CI): it sends the bundled sample (a red apple and its mask) as a "new colour" and
a "new background" job and saves what comes back. Pass --broker to use a broker that is already
running instead of the embedded one.

With the app, the broker's and the worker's output goes to the app's log (`teachbooth kiosk --log`'s
default, named on the first line), never to the terminal the app draws on, where their warnings
would land over the app. --headless leaves them on the terminal.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from kiosk.commands import generate
from kiosk.commands.broker import READY
from kiosk.commands.kiosk import open_kiosk
from kiosk.kiosk_log import default_log, describe, open_log
from kiosk.tui.config import KioskSettings

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
REPLAY_CAMERA = f"replay:{SAMPLES / 'replay'}?fps=15"
DEMO_PRESETS = ("new_colour", "new_background")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--broker", help="use this broker instead of starting the embedded one")
    parser.add_argument("--out", type=Path, default=Path("demo-output"), help="where to save the results")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for each job")
    parser.add_argument(
        "--headless", action="store_true", help="run the scripted client instead of the kiosk app"
    )


def run(args: argparse.Namespace) -> int:
    if args.headless:
        return _run_headless(args.broker, args.out, args.timeout)
    log = default_log()
    try:
        log_fd = open_log(log)
    except OSError as exc:
        print(f"teachbooth demo: cannot open the log {log}: {exc}")
        return 2
    try:
        print(f"demo: the broker, the worker and the app log to {describe(log)}", flush=True)
        with _broker_and_worker(args.broker, output=log_fd) as broker:
            project = args.out / "project"
            return open_kiosk(
                REPLAY_CAMERA, broker, project, KioskSettings(), "demo-kiosk", log=log, log_fd=log_fd
            )
    finally:
        os.close(log_fd)


def _run_headless(broker: str | None, out: Path, timeout: float) -> int:
    with _broker_and_worker(broker, output=None) as url:
        for preset in DEMO_PRESETS:
            code = _run_generate(url, preset, out / preset, out / "outbox.sqlite", timeout)
            if code != 0:
                return code
    print(f"demo: done; open {out}/ to see the variations")
    return 0


@contextmanager
def _broker_and_worker(broker: str | None, *, output: int | None) -> Iterator[str]:
    """The URL of `broker`, else of an embedded one started here, with a classic worker on it.

    The children's stdout and stderr go to the descriptor `output` (None: this process's own); the
    embedded broker's stdout stays a pipe, for the line that says it listens.
    """
    with ExitStack() as stack:
        if broker is None:
            port = _free_port()
            process = stack.enter_context(
                _child("broker", "--port", str(port), stdout=subprocess.PIPE, stderr=output)
            )
            _wait_until_ready(process)
            broker = f"mqtt://127.0.0.1:{port}"
        worker = ("worker", "--broker", broker, "--worker-id", "demo-worker")
        stack.enter_context(_child(*worker, stdout=output, stderr=output))
        print(f"demo: broker {broker}, worker 'demo-worker' started", flush=True)
        yield broker


def _run_generate(broker: str, preset: str, out: Path, outbox: Path, timeout: float) -> int:
    """`teachbooth generate` in this process, with the options a user would type."""
    parser = argparse.ArgumentParser(prog="teachbooth generate")
    generate.add_arguments(parser)
    arguments = parser.parse_args(
        [
            "--broker",
            broker,
            "--image",
            str(SAMPLES / "red_apple.jpg"),
            "--mask",
            str(SAMPLES / "red_apple_mask.png"),
            "--label",
            "apple",
            "--preset",
            preset,
            "--num",
            "4",
            "--change",
            "0.7",
            "--seed",
            "7",
            "--kiosk-id",
            "demo-kiosk",
            "--out",
            str(out),
            "--outbox",
            str(outbox),
            "--timeout",
            str(timeout),
        ]
    )
    return generate.run(arguments)


@contextmanager
def _child(*argv: str, stdout: int | None, stderr: int | None) -> Iterator[subprocess.Popen]:
    """A `teachbooth` subcommand in its own process, ended with SIGTERM on exit.

    Its stdin is never the terminal: it reads nothing, and the app reads every key.
    """
    command = [sys.executable, "-m", "teachbooth", "--log-level", "WARNING", *argv]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr, text=True)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_ready(process: subprocess.Popen) -> None:
    """Block until the broker says it listens (its only line on stdout), or fail if it exits first."""
    expected = READY.split("{")[0]
    for line in process.stdout:
        if line.startswith(expected):
            return
    raise RuntimeError(f"the embedded broker exited (code {process.wait()}) before it was listening")

"""Run the whole loop locally: embedded broker, a classic worker, and the kiosk app on replay footage.

The kiosk app opens on the bundled replay footage (kiosk/samples/replay) with a fresh project in
--out, talking to the embedded broker and a local classic worker. --headless runs the scripted
client instead (CI): it sends the bundled sample (a red apple and its mask) as a "new colour" and
a "new background" job and saves what comes back. Pass --broker to use a broker that is already
running instead of the embedded one.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from kiosk.commands import generate
from kiosk.commands.broker import READY
from kiosk.commands.kiosk import open_kiosk
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
    with ExitStack() as stack:
        broker = args.broker
        if broker is None:
            port = _free_port()
            process = stack.enter_context(_child("broker", "--port", str(port), stdout=subprocess.PIPE))
            _wait_until_ready(process)
            broker = f"mqtt://127.0.0.1:{port}"
        stack.enter_context(_child("worker", "--broker", broker, "--worker-id", "demo-worker"))
        print(f"demo: broker {broker}, worker 'demo-worker' started")
        if not args.headless:
            return _run_app(broker, args.out / "project")
        for preset in DEMO_PRESETS:
            code = _run_generate(broker, preset, args.out / preset, args.out / "outbox.sqlite", args.timeout)
            if code != 0:
                return code
    print(f"demo: done; open {args.out}/ to see the variations")
    return 0


def _run_app(broker: str, project: Path) -> int:
    return open_kiosk(REPLAY_CAMERA, broker, project, KioskSettings(), "demo-kiosk")


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
def _child(*argv: str, stdout: int | None = None) -> Iterator[subprocess.Popen]:
    """A `teachbooth` subcommand in its own process, ended with SIGTERM on exit."""
    command = [sys.executable, "-m", "teachbooth", "--log-level", "WARNING", *argv]
    process = subprocess.Popen(command, stdout=stdout, text=True)
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

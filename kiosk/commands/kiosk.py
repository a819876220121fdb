"""Open the kiosk's touchscreen app: teach a classifier in five steps, one at a time.

Examples: teachbooth kiosk --camera replay:kiosk/samples/replay --project /tmp/try-me
          teachbooth kiosk --camera picamera2 --broker mqtts://kiosk1@gpu.local --museum

Without --broker (or $TEACHBOOTH_BROKER) variations are made on the kiosk with the classic engine.
With --assistant-url the Ask button's questions go to that chat server; without, the kiosk answers.
Ctrl+A (or three quick taps on the status bar) opens the admin screen behind the PIN.
While the app holds the screen, stderr (native libraries' messages, the log, tracebacks) goes to
--log: the journal under systemd (journalctl -t teachbooth-kiosk), else a file in the state folder.
"""

from __future__ import annotations

import argparse
import os
import socket
from pathlib import Path

from pydantic import ValidationError

from kiosk.camera import parse_spec
from kiosk.kiosk_log import default_log, describe, open_log, uncaught_errors_logged
from kiosk.native_stderr import native_stderr_to
from kiosk.session import KioskSession
from kiosk.store import Project, StoreError
from kiosk.store.locations import default_project
from kiosk.tui.app import TeachBoothApp
from kiosk.tui.config import KioskSettings
from kiosk.tui.widgets.picture import detect_graphics
from shared.commands.broker_option import add_broker_option
from shared.mqtt import BrokerUrl
from shared.protocol import topics
from shared.watchdog import Watchdog

PIN_ENV = "TEACHBOOTH_ADMIN_PIN"
KIOSK_ID_ENV = "TEACHBOOTH_KIOSK_ID"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--camera",
        default="picamera2",
        help="picamera2[:N] | opencv:N | replay:PATH[?fps=F] (default: picamera2, the Pi camera)",
    )
    add_broker_option(parser, required=False)  # none: variations made on the kiosk
    parser.add_argument("--project", type=Path, default=default_project(), help="the project folder")
    parser.add_argument("--museum", action="store_true", help="wipe the project after an idle timeout")
    parser.add_argument("--idle-timeout", type=float, default=120.0, help="museum mode's idle seconds")
    parser.add_argument(
        "--admin-pin",
        default=os.environ.get(PIN_ENV, "2468"),
        help=f"4 to 8 digits for the admin screen (default: ${PIN_ENV}, kept out of `ps`, else 2468)",
    )
    parser.add_argument("--export-dir", type=Path, default=Path("/media/usb"), help="admin export folder")
    parser.add_argument(
        "--assistant-url",
        help="an OpenAI-compatible chat server (llama.cpp, vLLM) for the Ask button, e.g. "
        "http://gpu.local:8000 (default: none, the kiosk answers the common questions itself)",
    )
    parser.add_argument(
        "--word-file",
        type=Path,
        help="more words the Ask button refuses, one per line (# comments); the workers' list",
    )
    parser.add_argument(
        "--kiosk-id",
        default=os.environ.get(KIOSK_ID_ENV) or socket.gethostname().split(".")[0][:64] or "kiosk",
        help=f"this kiosk's id, its broker user name (default: ${KIOSK_ID_ENV}, else the host name)",
    )
    parser.add_argument(
        "--log",
        default=default_log(),
        help="where stderr goes while the app runs: 'journal' or a file, the previous run's kept as "
        "FILE.1 (default: %(default)s)",
    )


def run(args: argparse.Namespace) -> int:
    try:
        settings = KioskSettings(
            museum=args.museum,
            idle_timeout_s=args.idle_timeout,
            admin_pin=args.admin_pin,
            export_dir=args.export_dir,
            assistant_url=args.assistant_url,
            word_file=args.word_file,
        )
    except ValidationError as exc:
        print(f"teachbooth kiosk: {exc}")
        return 2
    return open_kiosk(args.camera, args.broker, args.project, settings, args.kiosk_id, log=args.log)


def open_kiosk(
    camera: str,
    broker: str | None,
    project_dir: Path,
    settings: KioskSettings,
    kiosk_id: str,
    *,
    log: str | None = None,
    log_fd: int | None = None,
) -> int:
    """Run the app until the admin exits it, its stderr in `log` (default: `default_log()`).

    `log_fd`, when given, is `log` already open, and stays open: `teachbooth demo` opens the log
    before it starts its broker and worker, which write to it too, and opening it again here would
    move their lines to the previous run's file.

    2 for a bad camera spec, broker URL, kiosk id, project or log; 1 when the app crashed.
    """
    log = log or default_log()
    try:
        if not topics.is_valid_id(kiosk_id):
            raise ValueError(f"kiosk id {kiosk_id!r} may only hold letters, digits, '-' and '_' (1 to 64)")
        parse_spec(camera)
        if broker is not None:
            BrokerUrl.parse(broker)
        project = Project.open(project_dir)
    except (ValueError, StoreError) as exc:
        print(f"teachbooth kiosk: {exc}")
        return 2
    detect_graphics()  # asks the terminal about Sixel/Kitty now: impossible once Textual runs

    with project:
        try:
            app_log = open_log(log) if log_fd is None else os.dup(log_fd)
        except OSError as exc:
            print(f"teachbooth kiosk: cannot open the log {log}: {exc}")
            return 2
        watchdog = Watchdog.from_environment()
        try:
            # The app is built inside: Textual's driver takes the terminal from sys.__stderr__.
            with native_stderr_to(app_log), uncaught_errors_logged():
                session = KioskSession(project, camera_spec=camera, kiosk_id=kiosk_id, broker_url=broker)
                app = TeachBoothApp(session, settings, watchdog=watchdog)
                try:
                    app.run()
                finally:
                    watchdog.stopping()
                    session.close()
        finally:
            os.close(app_log)
    if app.return_code:  # Textual printed its crash report to stderr, so into the log
        print(f"teachbooth kiosk: the app stopped on an error; its traceback is in {describe(log)}")
        return 1
    return 0

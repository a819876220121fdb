"""Run an inspection station: one verdict per part shown to the camera, to MQTT and a CSV log.

Examples: teachbooth station --camera picamera2 --model /var/lib/teachbooth/models/parts
          teachbooth station --camera "replay:kiosk/samples/replay?fps=15&loop=0" --model MODEL_DIR

A part appears, holds still (--settle-frames frames in a row whose masks overlap the previous one's
by --settle-iou), is judged once with the model's open-set rule, and must leave (--leave-frames
frames with nothing) before the next part counts; a part that leaves without holding still gets a
verdict saying "not_settled". Each verdict is a row of STATE_DIR/verdicts.csv, then a message on
teachbooth/v2/station/ID/verdicts (QoS 1, not retained) kept on disk until the broker has it; the
station's retained status, with a Last Will, is on .../status. Without --broker (or
$TEACHBOOTH_BROKER) the CSV log is the only output. Standard output gets one line at start-up and
one per verdict; the log goes to stderr.

Exit code 0 when stopped (SIGTERM, Ctrl+C, the end of a replay with loop=0), 1 when the camera
failed, 2 for bad settings or a model that cannot be used.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sqlite3
import sys
import threading
from pathlib import Path

from pydantic import ValidationError

from kiosk.camera import CameraError
from kiosk.learning.model_dir import ModelDirError, TrainedModel, load_model
from kiosk.station.config import StationSettings
from kiosk.station.service import Station
from kiosk.station.verdict import describe
from shared.commands.broker_option import add_broker_option
from shared.protocol.codec import describe_validation_error
from shared.watchdog import Watchdog

STATION_ID_ENV = "TEACHBOOTH_STATION_ID"


def default_state_dir() -> Path:
    """systemd's StateDirectory= for the unit ($STATE_DIRECTORY), else the XDG state folder's."""
    if os.environ.get("STATE_DIRECTORY"):
        return Path(os.environ["STATE_DIRECTORY"].split(":")[0])
    state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return state / "teachbooth" / "station"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--camera", default="picamera2", help="picamera2[:N] | opencv:N | replay:PATH[?fps=F&loop=0]"
    )
    parser.add_argument("--model", type=Path, required=True, metavar="DIR", help="the model folder")
    add_broker_option(parser, required=False)  # none: the CSV log only
    parser.add_argument(
        "--station-id",
        default=os.environ.get(STATION_ID_ENV) or socket.gethostname().split(".")[0][:64] or "station",
        help=f"names the station's topics (default: ${STATION_ID_ENV}, else the host name)",
    )
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=default_state_dir(),
        help="CSV log, outbox, heat maps (default: %(default)s)",
    )
    parser.add_argument("--settle-frames", type=int, help="frames a part must hold still (default: 8)")
    parser.add_argument("--settle-iou", type=float, help="frame-to-frame mask overlap that is still (0.9)")
    parser.add_argument("--leave-frames", type=int, help="empty frames after which a part has left (5)")
    parser.add_argument(
        "--heat-maps", action="store_true", help="save what mattered to each verdict (slow on a Pi)"
    )


def settings_from(args: argparse.Namespace) -> StationSettings:
    """The settings the options give; the model's defaults for the ones not given."""
    given = {
        "camera": args.camera,
        "model": args.model,
        "broker": args.broker,
        "station_id": args.station_id,
        "state_dir": args.state_dir,
        "settle_frames": args.settle_frames,
        "settle_iou": args.settle_iou,
        "leave_frames": args.leave_frames,
        "heat_maps": args.heat_maps,
    }
    return StationSettings(**{key: value for key, value in given.items() if value is not None})


def run(args: argparse.Namespace) -> int:
    try:
        settings = settings_from(args)
    except ValidationError as exc:
        print(f"teachbooth station: {describe_validation_error(exc)}", file=sys.stderr)
        return 2
    try:
        model = load_model(settings.model)
        backbone = model.open_backbone()
    except ModelDirError as exc:
        print(f"teachbooth station: {exc}", file=sys.stderr)
        return 2
    try:
        station = Station(
            settings, model, backbone, on_verdict=lambda verdict: print(describe(verdict), flush=True)
        )
    except (OSError, sqlite3.Error) as exc:
        print(f"teachbooth station: cannot keep its state in {settings.state_dir}: {exc}", file=sys.stderr)
        return 2
    return serve(station, model)


def serve(station: Station, model: TrainedModel) -> int:
    """Run the station until SIGTERM or SIGINT (or the replay's end), under systemd's watchdog."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    settings = station.settings
    where = station.topic if settings.broker is not None else "no broker"
    print(
        f"teachbooth station {settings.station_id}: {settings.camera}, model {model.path} "
        f"({', '.join(model.labels)}), verdicts to {where} and {settings.log_path}",
        flush=True,
    )
    watchdog = Watchdog.from_environment()
    watchdog.ready(status=f"judging parts with {model.path.name}")
    try:
        station.run(stop, alive=watchdog.alive)
    except CameraError as exc:
        print(f"teachbooth station: {exc}", file=sys.stderr)
        return 1
    finally:
        watchdog.stopping()
        station.close()
    return 0

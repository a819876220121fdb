"""Check that this machine can be a kiosk: camera, display, models, broker, worker, disk, temperature.

One line per check (ok / warn / fail, what was found and what to do); --json prints one object
{"ok": bool, "checks": [{"check", "status", "message", "fix"}]}. Exit code 1 when any check fails,
0 otherwise (warnings included).

Example: teachbooth doctor --broker 'mqtts://kiosk-1:PASS@broker.lan:8883?ca=/etc/teachbooth/ca.crt'
         teachbooth doctor --camera replay:kiosk/samples --skip thermal --json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pydantic import ValidationError

from kiosk.doctor.finding import Status
from kiosk.doctor.registry import CHECKS, run_checks
from kiosk.doctor.settings import DoctorSettings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--camera", help="camera spec (default: picamera2)")
    parser.add_argument(
        "--broker", help="the kiosk's broker URL, credentials included (default: none, offline)"
    )
    parser.add_argument("--backbone", type=Path, help="a .tflite backbone (default: the shipped one)")
    parser.add_argument("--data-dir", type=Path, help="where projects live (default: teachbooth kiosk's)")
    parser.add_argument("--min-free-mb", type=int, help="free space below this fails (default: 500)")
    parser.add_argument("--timeout", type=float, dest="timeout_s", help="seconds per camera/broker wait")
    parser.add_argument(
        "--only", action="append", choices=list(CHECKS), metavar="CHECK", help="run only these"
    )
    parser.add_argument("--skip", action="append", choices=list(CHECKS), default=[], metavar="CHECK")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    given = {
        "camera": args.camera,
        "broker": args.broker,
        "backbone": args.backbone,
        "data_dir": args.data_dir,
        "min_free_mb": args.min_free_mb,
        "timeout_s": args.timeout_s,
    }
    try:
        settings = DoctorSettings(**{key: value for key, value in given.items() if value is not None})
    except ValidationError as exc:
        print(f"teachbooth doctor: {exc.errors()[0]['loc'][0]}: {exc.errors()[0]['msg']}", file=sys.stderr)
        return 2
    names = [name for name in (args.only or CHECKS) if name not in args.skip]
    findings = run_checks(settings, names)
    failed = any(finding.status is Status.FAIL for finding in findings)
    if args.json:
        print(json.dumps({"ok": not failed, "checks": [finding.as_json() for finding in findings]}))
    else:
        for finding in findings:
            print(finding.line())
    return 1 if failed else 0

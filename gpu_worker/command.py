"""Run the GPU worker service: take generation jobs from the broker until stopped.

Example: teachbooth worker --broker mqtt://localhost:1883 --backend classic
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from pydantic import ValidationError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--broker", required=True, help="mqtt://[user:pass@]host[:port] or mqtts://...")
    parser.add_argument(
        "--backend",
        action="append",
        dest="backends",
        metavar="NAME",
        help="backend to serve (repeatable; default: classic)",
    )
    parser.add_argument("--worker-id", help="unique id of this worker (default: from the host name)")
    parser.add_argument("--queue-limit", type=int, help="jobs waiting beyond this are refused as busy")


def run(args: argparse.Namespace) -> int:
    from gpu_worker.config import WorkerConfig
    from gpu_worker.service import WorkerService

    given = {
        "broker": args.broker,
        "backends": args.backends,
        "worker_id": args.worker_id,
        "queue_limit": args.queue_limit,
    }
    try:
        config = WorkerConfig(**{key: value for key, value in given.items() if value is not None})
    except ValidationError as exc:
        print(f"teachbooth worker: {exc.errors()[0]['msg']}", file=sys.stderr)
        return 2
    service = WorkerService(config)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    service.start()
    stop.wait()
    service.stop()
    return 0

"""Run the GPU worker service: take generation jobs from the broker until stopped.

Settings come from the options below, over those of --config FILE (TOML, the
fields of gpu_worker.config.WorkerConfig), over the defaults. Each backend's
options (`--inpaint-model DIR`, ...) are declared by its module and listed by
the registry (gpu_worker/backends/registry.py), like its configuration section.

Example: teachbooth worker --broker mqtt://localhost:1883 --backend classic
         teachbooth worker --config /etc/teachbooth/worker.toml
         teachbooth worker --broker mqtt://localhost:1883 --word-file /etc/teachbooth/blocked-words.txt
         teachbooth worker --broker mqtt://localhost:1883 --backend inpaint --inpaint-model /srv/sd2-inpaint
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from gpu_worker.backends import backend_types
from gpu_worker.config import WorkerConfig
from shared.commands.broker_option import add_broker_option
from shared.protocol.codec import describe_validation_error
from shared.watchdog import Watchdog

HEALTH_CHECK_S = 1.0
"""How often the main thread looks at the service for the systemd watchdog."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, metavar="FILE", help="worker settings in TOML (see above)")
    add_broker_option(parser, required=False)  # it may come from --config
    parser.add_argument(
        "--backend",
        action="append",
        dest="backends",
        metavar="NAME",
        help="backend to serve (repeatable; default: classic)",
    )
    parser.add_argument(
        "--worker-id",
        default=os.environ.get("TEACHBOOTH_WORKER_ID") or None,
        help="unique id of this worker (default: $TEACHBOOTH_WORKER_ID, else from the host name)",
    )
    _add_backend_options(parser)
    parser.add_argument("--queue-limit", type=int, help="jobs waiting beyond this are refused as busy")
    parser.add_argument(
        "--max-batch-images",
        type=int,
        help="images one GPU pass may carry over batched jobs (1: no batching)",
    )
    parser.add_argument(
        "--per-kiosk-limit", type=int, help="waiting jobs one kiosk may hold (default: half the queue limit)"
    )
    parser.add_argument(
        "--word-file", type=Path, help="more blocked words for the prompt filter, one per line (# comments)"
    )
    parser.add_argument(
        "--no-prompt-filter", action="store_true", help="take any prompt and label (not for public exhibits)"
    )
    parser.add_argument(
        "--safety-checker", metavar="DIR", help="withhold images the diffusers safety checker in DIR flags"
    )


def _add_backend_options(parser: argparse.ArgumentParser) -> None:
    """`--<backend>-<field>` for every field a backend's module offers on the command line."""
    for name, backend in backend_types().items():
        for option in backend.settings.options if backend.settings is not None else ():
            flag, dest = option.flag_name(name), f"{name}_{option.field}"
            if option.flag:
                parser.add_argument(flag, dest=dest, action="store_true", help=option.help)
            else:
                parser.add_argument(flag, dest=dest, metavar=option.metavar, help=option.help)


def _backend_sections(args: argparse.Namespace) -> dict[str, dict[str, object] | None]:
    """Each backend's section as its options give it: only the fields given (a switch given is true),
    so that a section also in --config merges field by field (--img2img-model keeps the file's few_step)."""
    sections: dict[str, dict[str, object] | None] = {}
    for name, backend in backend_types().items():
        if backend.settings is None:
            continue
        section: dict[str, object] = {}
        for option in backend.settings.options:
            value = getattr(args, f"{name}_{option.field}")
            if value not in (None, False):
                section[option.field] = value
        sections[name] = section or None
    return sections


def _prompt_filter_settings(args: argparse.Namespace) -> dict[str, object] | None:
    settings: dict[str, object] = {}
    if args.word_file is not None:
        settings["word_file"] = args.word_file
    if args.no_prompt_filter:
        settings["enabled"] = False
    return settings or None


def _settings_file(path: Path | None) -> dict[str, Any]:
    """The --config file's settings; ValueError with the file's name and the reason."""
    if path is None:
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"cannot read the settings in {path}: {exc}") from None


def _merged(file: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """Options over the file; a section given on both (e.g. prompt_filter) merges field by field."""
    merged = dict(file)
    for key, value in given.items():
        if value is None:
            continue
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def worker_config(args: argparse.Namespace) -> WorkerConfig:
    """The configuration from the options and --config; ValidationError or ValueError say what is wrong."""
    given = {
        "broker": args.broker,
        "backends": args.backends,
        "worker_id": args.worker_id,
        "queue_limit": args.queue_limit,
        "per_kiosk_limit": args.per_kiosk_limit,
        "max_batch_images": args.max_batch_images,
        "safety_checker": {"model": args.safety_checker} if args.safety_checker else None,
        **_backend_sections(args),
        "prompt_filter": _prompt_filter_settings(args),
    }
    return WorkerConfig(**_merged(_settings_file(args.config), given))


def run(args: argparse.Namespace) -> int:
    # Lazy, not heavy: `teachbooth worker --help` builds this parser without the service (test_cli.py).
    from gpu_worker.service import WorkerService

    try:
        config = worker_config(args)
    except ValidationError as exc:
        print(f"teachbooth worker: {describe_validation_error(exc)}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"teachbooth worker: {exc}", file=sys.stderr)
        return 2
    try:
        service = WorkerService(config)  # loads every backend's model now, before going online
    except (ValueError, RuntimeError) as exc:  # ModelUnavailable, DeviceUnavailable, a backend's settings
        print(f"teachbooth worker: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    watchdog = Watchdog.from_environment()
    service.start()
    watchdog.ready(status=f"serving {', '.join(config.backends)}")
    # Under systemd (Type=notify, WatchdogSec) a hung GPU call stops the pings and gets the worker restarted.
    while not stop.wait(HEALTH_CHECK_S):
        if service.healthy():
            watchdog.alive()
    watchdog.stopping()
    service.stop()
    return 0

"""Vary every photo of a class in a kiosk project, headless: the kiosk's Expand step without a screen.

The same `Expansion` and engine policy as the kiosk (docs/architecture.md): with --broker (or
$TEACHBOOTH_BROKER) each photo goes to the backend the policy picks from the online workers, all
jobs sent together so a worker batches them; without a broker, or with no worker online, this
computer's classic engine makes the pictures. --accept stores them as accepted generated samples
of the class; --json prints one JSON object per picture, one per line:

    {"sample": ID or null, "source_sample": ID, "backend": ..., "model": ... or null,
     "preset": ..., "prompt": ..., "worker": ... or null, "job_id": ..., "index": N, "file": ...}

Exit status: 0 when every job made its pictures, 1 when some failed or ran out of time (the rest
are still reported and, with --accept, stored), 2 for a request that cannot work (no such project,
class or preset, a class without photos, a change outside 0..1, words no online engine reads).

Example: teachbooth expand ~/teachbooth/project --class apple --preset new_colour --num 4 --accept
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import time
from pathlib import Path

from kiosk.commands.generate import default_outbox
from kiosk.generation.expansion import Expansion, ExpansionError
from kiosk.generation.status import ClassRequest, ClassRun, JobStatus
from kiosk.jobs.client import JobClient
from kiosk.store import Project, StoreError
from shared.commands.broker_option import add_broker_option
from shared.mqtt import BrokerUrl
from shared.presets import Preset

USAGE_ERROR = 2
JOBS_FAILED = 1
WORKER_SETTLE_S = 0.5
"""After the first worker's retained status, how long to wait for the others': a broker sends the
retained statuses together just after the subscription, so more than this means there are none."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project", type=Path, metavar="DIR", help="a kiosk project folder")
    parser.add_argument("--class", dest="label", required=True, metavar="LABEL", help="the class to vary")
    parser.add_argument("--preset", required=True, help=f"one of {', '.join(p.value for p in Preset)}")
    parser.add_argument("--text", help="words for what to change, for backends that read text")
    parser.add_argument("--change", type=float, default=0.5, help="how much to change, 0 to 1 (default 0.5)")
    parser.add_argument("--num", type=int, default=4, help="pictures per photo, 1 to 8 (default 4)")
    parser.add_argument("--accept", action="store_true", help="store the pictures as accepted samples")
    parser.add_argument("--json", action="store_true", help="one JSON object per picture, one per line")
    parser.add_argument("--out", type=Path, help="also write the pictures as PNG files to this folder")
    parser.add_argument(
        "--seed", type=int, help="the first photo's seed, then +1 per photo (default: random)"
    )
    add_broker_option(parser, required=False)
    parser.add_argument(
        "--wait-workers", type=float, default=5.0, help="seconds to wait for a worker to be seen (default 5)"
    )
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for all pictures")
    parser.add_argument("--kiosk-id", default=f"cli-{socket.gethostname()}"[:64].replace(".", "-"))
    parser.add_argument("--outbox", type=Path, default=default_outbox(), help="durable queue of unsent jobs")


def run(args: argparse.Namespace) -> int:
    try:
        preset = Preset(args.preset)
    except ValueError:
        return _fail(
            f"unknown preset {args.preset!r}; one of {', '.join(p.value for p in Preset)}", USAGE_ERROR
        )
    try:
        project = Project.open(args.project, create=False)
    except StoreError as exc:
        return _fail(str(exc), USAGE_ERROR)
    try:
        client = _start_client(args) if args.broker else None
    except ValueError as exc:
        project.close()
        return _fail(str(exc), USAGE_ERROR)
    expansion = Expansion(project, client)
    try:
        print(expansion.engine_words(), file=sys.stderr)
        request = ClassRequest(args.label, preset, args.change, args.text, args.num, seed=args.seed)
        try:
            run = expansion.send_class(request)
        except ExpansionError as exc:
            return _fail(str(exc), USAGE_ERROR)
        return _collect(expansion, run, args)
    except KeyboardInterrupt:
        expansion.close()  # withdraws the unfinished jobs from the workers
        return _fail("interrupted: unfinished jobs withdrawn", 130)
    finally:
        if client is not None:
            client.stop()
        project.close()


def _start_client(args: argparse.Namespace) -> JobClient:
    """A started job client that has seen the online workers' retained statuses (or waited for them)."""
    client = JobClient(BrokerUrl.parse(args.broker), args.kiosk_id, args.outbox)
    client.start()
    if client.wait_connected(args.wait_workers):
        seen = client.wait_for_workers(args.wait_workers)
        if seen:
            client.wait_for_workers(WORKER_SETTLE_S, count=len(seen) + 1)
    return client


def _collect(expansion: Expansion, run: ClassRun, args: argparse.Namespace) -> int:
    """Follow the class's jobs, then report (and store) every picture; the exit status."""
    for sample_id, why in run.skipped:
        print(f"photo {sample_id} skipped: {why}", file=sys.stderr)
    deadline = time.monotonic() + args.timeout
    finals = expansion.follow_all(run.job_ids, stop=lambda: time.monotonic() > deadline)
    failed = 0
    for status in finals:
        if not status.phase.finished or status.results == ():
            failed += 1
            words = status.message if status.phase.finished else f"no pictures within {args.timeout:g} s"
            print(f"photo {status.request.sample_id}: {words}", file=sys.stderr)
            expansion.cancel(status.job_id)
            continue
        _report(expansion, status, args)
    made = sum(len(s.results) for s in finals)
    print(
        f"{made} pictures of {run.label} from {len(finals) - failed} of {len(finals)} photos", file=sys.stderr
    )
    return JOBS_FAILED if failed or run.skipped else 0


def _report(expansion: Expansion, status: JobStatus, args: argparse.Namespace) -> None:
    results = status.results
    stored = expansion.accept(status.job_id) if args.accept else []
    ids = [sample.id for sample in stored] or [None] * len(results)
    for result, sample_id in zip(results, ids, strict=True):
        file = None
        if args.out is not None:
            args.out.mkdir(parents=True, exist_ok=True)
            file = args.out / f"{status.request.sample_id}_{status.job_id[:8]}_{result.index}.png"
            result.image.save(file)
        record = {
            "sample": sample_id,
            "source_sample": status.request.sample_id,
            "label": status.label,
            "backend": result.recipe.get("backend", status.backend),
            "model": result.recipe.get("model"),
            "preset": result.recipe.get("preset"),
            "prompt": result.recipe.get("prompt"),
            "worker": result.recipe.get("worker"),
            "job_id": status.job_id,
            "index": result.index,
            "file": None if file is None else str(file),
        }
        if args.json:
            print(json.dumps(record), flush=True)
    if not args.json:
        kept = "stored" if args.accept else "not stored (no --accept)"
        print(f"photo {status.request.sample_id}: {len(results)} pictures by {status.backend}, {kept}")


def _fail(message: str, status: int) -> int:
    print(f"teachbooth expand: {message}", file=sys.stderr)
    return status

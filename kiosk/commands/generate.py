"""Send one generation job to a worker and save the images it returns.

Run again with the same request and `--outbox` after a run was killed, it waits for that run's job
rather than sending a new one (the job stays in the outbox until its result has come).

Example: teachbooth generate --broker mqtt://localhost:1883 --image apple.jpg
         --mask apple_mask.png --preset new_colour --num 4 --out out/
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import time
from pathlib import Path

from pydantic import ValidationError

from kiosk.jobs.client import JobClient, JobFailedError, JobTimeout
from kiosk.jobs.files import JobSpec, job_from_files, same_request, save_result
from shared.commands.broker_option import add_broker_option
from shared.imaging import BadImage
from shared.mqtt import BrokerUrl
from shared.presets import Preset
from shared.protocol import GenerationJob, JobDone, ProtocolError
from shared.protocol.codec import describe_validation_error

INTERRUPTED = 130
"""Exit status after Ctrl-C, as shells report a SIGINT."""


def default_outbox() -> Path:
    state = Path(os.environ.get("XDG_STATE_HOME", Path.home() / ".local" / "state"))
    return state / "teachbooth" / "outbox.sqlite"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_broker_option(parser)
    parser.add_argument("--image", type=Path, required=True, help="source image (JPEG or PNG)")
    parser.add_argument("--mask", type=Path, help="object mask (white = object), same size as the image")
    intent = parser.add_mutually_exclusive_group(required=True)
    intent.add_argument("--preset", choices=[preset.value for preset in Preset])
    intent.add_argument("--prompt", help="free text, for backends that take text")
    parser.add_argument("--label", help="class label of the sample (default: the image's file name)")
    parser.add_argument("--change", type=float, default=0.5, help="how much to change, 0 to 1 (default 0.5)")
    parser.add_argument("--num", type=int, default=4, help="number of images, 1 to 8 (default 4)")
    parser.add_argument("--backend", default="classic")
    parser.add_argument("--seed", type=int, help="makes the result reproducible (default: random)")
    parser.add_argument("--out", type=Path, required=True, help="folder for the images and job.json")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the result")
    parser.add_argument("--kiosk-id", default=f"cli-{socket.gethostname()}"[:64].replace(".", "-"))
    parser.add_argument("--outbox", type=Path, default=default_outbox(), help="durable queue of unsent jobs")


def run(args: argparse.Namespace) -> int:
    spec = JobSpec(
        label=args.label or args.image.stem,
        preset=Preset(args.preset) if args.preset else None,
        prompt=args.prompt,
        change=args.change,
        num_images=args.num,
        backend=args.backend,
        seed=args.seed,
        timeout_s=args.timeout,
    )
    try:
        url = BrokerUrl.parse(args.broker)
        job = job_from_files(args.kiosk_id, args.image, args.mask, spec)
        client = JobClient(url, args.kiosk_id, args.outbox)
    except (BadImage, ValueError) as exc:
        message = describe_validation_error(exc) if isinstance(exc, ValidationError) else str(exc)
        return _fail(message)
    client.start()
    try:
        return _submit_and_save(client, job, args.out, args.timeout, any_seed=args.seed is None)
    finally:
        client.stop()


def _submit_and_save(client: JobClient, job: GenerationJob, out: Path, timeout: float, any_seed: bool) -> int:
    earlier = _unfinished_twin(client, job, any_seed)
    if earlier is not None:
        print(
            f"resuming job {earlier.job_id}, left unfinished in the outbox by an earlier run", file=sys.stderr
        )
        job, handle = earlier, client.resume(earlier)
    else:
        try:
            handle = client.submit(job)
        except ProtocolError as exc:
            return _fail(exc.message)
    try:
        client.wait(handle, timeout)
    except (JobTimeout, JobFailedError) as exc:
        save_result(job, handle, out)
        return _fail(str(exc))
    except KeyboardInterrupt:
        # Ctrl-C withdraws the job: it is not resent later and the worker gives its GPU back.
        client.cancel(job.job_id)
        _fail(f"cancelled job {job.job_id}")
        return INTERRUPTED
    written = save_result(job, handle, out)
    print(f"{len(written)} images from worker {handle.worker_id or '?'} saved in {out}/ (job {job.job_id})")
    withheld = sum(event.withheld for event in handle.events if isinstance(event, JobDone))
    if withheld:
        print(f"{withheld} more were held back by the worker's safety checker")
    return 0


def _unfinished_twin(client: JobClient, job: GenerationJob, any_seed: bool) -> GenerationJob | None:
    """The job an earlier run with this request and outbox left unfinished (it was killed before the
    result came), if there is one still within its deadline: waiting for it, rather than sending
    `job`, spares a worker doing the work twice."""
    now = time.time()
    for stored in client.unfinished_jobs():
        if stored.deadline > now and same_request(stored, job, any_seed=any_seed):
            return stored
    return None


def _fail(message: str) -> int:
    print(f"teachbooth generate: {message}", file=sys.stderr)
    return 1

"""Whole-class expansion against the same jobs sent one by one: wall time through the real path.

A kiosk project with `--photos` masked photos of one class; a real mosquitto on loopback; one
in-process worker per backend in `--backends`, each on its tiny diffusers pipeline
(tools/make_tiny_pipelines.py, 64x64 on the CPU) with the product's batching (`--max-batch-images`,
the worker's default 8). For each backend, with only that worker online (so the engine policy picks
it for `new_colour`), the kiosk's `Expansion`:

- together: `send_class` sends every photo's job before following any, as the Expand step's "Vary
  whole class" tap does, so the worker finds them queued together and runs compatible ones as one
  batch; timed from the first send to the last picture in;
- one by one: `send` then `follow` for each photo in turn, the next sent when the last is done.

Both ask for `--pictures` per photo with the same seeds; a warm-up job first pays the pipeline's
first-call costs. The modes alternate over `--repeats` rounds; `speedup` is the median one-by-one
time over the median together time, in one run on one machine.

    .venv/bin/python -m bench.class_expansion [--backends inpaint,instruct] [--photos 10]
        [--pictures 4] [--repeats 3] [--max-batch-images 8] [--threads 1]

Prints one JSON object; progress goes to stderr. Run from the repository root (`-m`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.machine import facts, git_state
from gpu_worker.config import WorkerConfig
from gpu_worker.service import WorkerService
from kiosk.generation.expansion import Expansion
from kiosk.generation.status import ClassRequest, JobStatus, Phase, Request
from kiosk.jobs.client import JobClient
from kiosk.store import Project
from shared.mqtt import BrokerUrl
from shared.presets import Preset
from testkit.fleet import add_masked_photos, diffusion_backend
from testkit.mosquitto import Mosquitto
from tools.make_tiny_pipelines import make_tiny_pipelines

LABEL = "apple"
CHANGE = 0.5
SEED = 1000
WORKER_WAIT_S = 60.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="inpaint,instruct", help="comma-separated diffusion backends")
    parser.add_argument("--photos", type=int, default=10, help="photos in the class (default 10)")
    parser.add_argument("--pictures", type=int, default=4, help="pictures per photo (default 4)")
    parser.add_argument("--repeats", type=int, default=3, help="rounds of both modes (default 3)")
    parser.add_argument("--max-batch-images", type=int, default=8, help="the worker's batch limit")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1)")
    return parser.parse_args(argv)


def together(expansion: Expansion, pictures: int) -> float:
    started = time.perf_counter()
    run = expansion.send_class(ClassRequest(LABEL, Preset.NEW_COLOUR, CHANGE, count=pictures, seed=SEED))
    finals = expansion.follow_all(run.job_ids)
    elapsed = time.perf_counter() - started
    _check(finals, pictures)
    return elapsed


def one_by_one(expansion: Expansion, photos: list[str], pictures: int) -> float:
    started = time.perf_counter()
    finals = []
    for offset, sample_id in enumerate(photos):
        request = Request(sample_id, Preset.NEW_COLOUR, CHANGE, count=pictures, seed=SEED + offset)
        finals.append(expansion.follow(expansion.send(request)))
    elapsed = time.perf_counter() - started
    _check(finals, pictures)
    return elapsed


def _check(finals: list[JobStatus], pictures: int) -> None:
    bad = [s.message for s in finals if s.phase is not Phase.DONE or len(s.results) != pictures]
    if bad:
        raise RuntimeError(f"{len(bad)} jobs did not bring {pictures} pictures: {bad[0]}")


def bench_backend(kind: str, folder: Path, work: Path, url: str, args: argparse.Namespace) -> dict:
    config = WorkerConfig(broker=url, worker_id=f"bench-{kind}", max_batch_images=args.max_batch_images)
    worker = WorkerService(config, backends={kind: diffusion_backend(kind, folder)})
    worker.start()
    client = JobClient(BrokerUrl.parse(url), f"bench-{kind}", work / f"outbox-{kind}.sqlite")
    client.start()
    try:
        if not client.wait_for_workers(WORKER_WAIT_S, backend=kind):
            raise RuntimeError(f"the {kind} worker did not come online")
        with Project.open(work / f"project-{kind}") as project:
            photos = [s.id for s in add_masked_photos(project, {LABEL: args.photos})[LABEL]]
            expansion = Expansion(project, client)
            if expansion.choose(Request(photos[0], Preset.NEW_COLOUR, CHANGE)).backend != kind:
                raise RuntimeError(f"the policy did not pick {kind}")
            warm_up = Request(photos[0], Preset.NEW_COLOUR, CHANGE, count=args.pictures)
            expansion.follow(expansion.send(warm_up))
            times: dict[str, list[float]] = {"together_s": [], "one_by_one_s": []}
            batched_before = worker.stats["batched_jobs"]
            for round_number in range(args.repeats):
                modes = [
                    ("together_s", lambda: together(expansion, args.pictures)),
                    ("one_by_one_s", lambda: one_by_one(expansion, photos, args.pictures)),
                ]
                for name, measure in modes if round_number % 2 == 0 else reversed(modes):
                    times[name].append(measure())
                    log(f"{kind} round {round_number + 1}: {name} {times[name][-1]:.2f} s")
                expansion.close()
    finally:
        client.stop()
        worker.stop()
    medians = {name: statistics.median(values) for name, values in times.items()}
    return {
        "backend": kind,
        **{name: [round(v, 3) for v in values] for name, values in times.items()},
        "together_median_s": round(medians["together_s"], 3),
        "one_by_one_median_s": round(medians["one_by_one_s"], 3),
        "speedup": round(medians["one_by_one_s"] / medians["together_s"], 3),
        "jobs_batched_by_the_worker": worker.stats["batched_jobs"] - batched_before,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)
    state = git_state()
    kinds = [kind.strip() for kind in args.backends.split(",") if kind.strip()]
    with tempfile.TemporaryDirectory(prefix="bench-class-expansion-") as scratch:
        work = Path(scratch)
        folders = make_tiny_pipelines(work / "pipelines", kinds)
        broker = Mosquitto(workdir=work)
        broker.start()
        try:
            results = [bench_backend(kind, folders[kind], work, broker.url, args) for kind in kinds]
        finally:
            broker.stop()
    report = {
        "bench": "class_expansion",
        "machine": facts(),
        "git": state,
        "torch_threads": args.threads,
        "photos": args.photos,
        "pictures_per_photo": args.pictures,
        "max_batch_images": args.max_batch_images,
        "repeats": args.repeats,
        "pipelines": "tiny (tools/make_tiny_pipelines.py), 64x64, CPU",
        "results": results,
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A fleet under load: N simulated kiosks against two `classic` workers through one real mosquitto.

Prints one JSON object to stdout; progress goes to stderr. Run from the repository root:

    .venv/bin/python -m bench.fleet_load                 # 50 kiosks for 300 s (about 6 minutes)
    .venv/bin/python -m bench.fleet_load --quick         # 5 kiosks for 10 s (about 30 s)
    .venv/bin/python -m bench.fleet_load --kiosks 50 --duration 60
    .venv/bin/python -m bench.fleet_load --mixed --quick         # a mixed fleet, one worker per backend

Each kiosk is the product's own `JobClient` with its own kiosk id and durable outbox, on its own
thread of this process, submitting the bundled sample (640x480 JPEG and mask, built by
`job_from_files`) for 4 `classic` images, one job in flight, back-to-back (`--think` seconds between
jobs, 0 by default: the fleet saturates the workers, the worst case). The workers are two
`teachbooth worker` processes in the `classic` backend's MQTT 5 shared-subscription group
(`$share/teachbooth-classic/...`, wire v2, docs/protocol.md). After `--duration` seconds
no new job starts; the jobs in flight are waited for (up to `--timeout`).

`--mixed`: a fleet whose workers serve different backends (wire v2 routes each job to its
backend's group, docs/protocol.md): one `teachbooth worker` process each for `classic` and the tiny
`inpaint`, `instruct` and `img2img` pipelines (tools/make_tiny_pipelines.py, generated at 64 px),
and every kiosk's jobs cycling through the four backends. A job done by a worker of another
backend counts as a `wrong_worker` error; failures such as `unsupported_backend` count as usual.

`--hostile`: the shipped broker configuration (TLS, dynamic-security roles, limits) and one more
provisioned kiosk that floods the largest jobs (or, `--flood-kind cancels`, cancels padded to the
largest frame) at `--flood-rate`; `--pairs` quiet and flooded windows alternate, and the honest
latency ratios (flooded over quiet) pool each kind's windows.

First, one kiosk alone runs `--baseline-jobs` jobs one after another on the idle workers: the
baseline latency. Reported: jobs/s and images/s over the measured window; latency (submit to
the kiosk's `wait()` returning) p50/p95/p99/max and its p50 over the baseline's; CPU
milliseconds per job of each process (the kiosks, the broker, each worker: the cost of a job,
which other load on the machine does not inflate as it does wall times); errors by kind
(failure codes, timeouts); **lost** jobs (submitted, never ended: no result and no failure) and
**duplicated** jobs (an image index handed to the app more than once), both meant to be zero;
how the jobs split between the workers; the events the kiosks' de-duplication dropped; RSS of
the broker and of each worker (start, end, peak, sampled every `--sample` s); CPU seconds of
every process and of everything else on the machine (a disturbed window is flagged, as in
job_roundtrip.py); completions per `--bucket` s, to show the rate holding over the run.

No timed assertions: this script measures and reports, it never fails on a number.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bench.job_roundtrip import (
    CHEAP_PRESET,
    CpuWindow,
    Kiosk,
    broker,
    disturbed,
    fresh_job,
    round_trip,
    run_header,
    running,
    summary_ms,
    template_job,
    wait_for_workers,
    worker_processes,
)
from bench.machine import peak_rss_mb
from kiosk.jobs.client import JobFailedError, JobTimeout
from kiosk.jobs.handle import JobHandle
from shared.protocol import JobEvent, JobImage
from shared.provisioning.fleet import Fleet
from testkit.fleet import Flood
from testkit.mosquitto import SecuredBroker, start_shipped_broker
from testkit.worker_process import WorkerProcess

log = logging.getLogger("bench.fleet_load")

NUM_IMAGES = 4
MIXED_BACKENDS = ("classic", "inpaint", "instruct", "img2img")
MIXED_SIZE = 64
"""Working and generation size of the tiny pipelines in a mixed fleet: toy models, toy images."""
FLOOD_KIOSK = "flood-k"
"""The hostile kiosk of --hostile: provisioned like the others, it floods."""
WORKER_START_S = 120.0
"""Worker processes that load torch and a pipeline take far longer to come online than classic ones."""


def rss_mb(pid: int) -> float | None:
    """Resident set size of a process now (VmRSS), in MB; None once it has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class RssSampler:
    """RSS of the broker and the workers every `interval` s, on a thread, until stopped."""

    def __init__(self, pids: dict[str, int], interval: float) -> None:
        self.pids = pids
        self.interval = interval
        self.samples: dict[str, list[float]] = {name: [] for name in pids}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _sample(self) -> None:
        for name, pid in self.pids.items():
            value = rss_mb(pid)
            if value is not None:
                self.samples[name].append(value)

    def _run(self) -> None:
        self._sample()
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def result(self) -> dict[str, dict[str, float | int | None]]:
        def summary(values: list[float]) -> dict[str, float | int | None]:
            if not values:
                return {"start": None, "end": None, "peak": None, "samples": 0}
            return {
                "start": round(values[0], 1),
                "end": round(values[-1], 1),
                "peak": round(max(values), 1),
                "samples": len(values),
            }

        return {name: summary(values) for name, values in self.samples.items()}


@dataclass
class KioskRun:
    """One simulated kiosk's record: its jobs, how each ended, and what reached its app."""

    latencies: list[tuple[float, float]] = field(default_factory=list)
    """(seconds since the common start when the job ended, latency in seconds) of each done job."""
    errors: Counter[str] = field(default_factory=Counter)
    by_worker: Counter[str] = field(default_factory=Counter)
    submitted: list[str] = field(default_factory=list)
    images_to_app: Counter[tuple[str, int]] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def on_event(self, handle: JobHandle, event: JobEvent) -> None:
        """The app's callback: paho's thread, so under a lock."""
        if isinstance(event, JobImage):
            with self.lock:
                self.images_to_app[(handle.job_id, event.index)] += 1


def drive(
    kiosk: Kiosk, run: KioskRun, args: argparse.Namespace, start: threading.Barrier, origin: list[float]
):
    """Submit jobs back-to-back until the window closes; the job in flight then runs to its end."""
    template = template_job(kiosk.kiosk_id, CHEAP_PRESET, args.timeout)
    backends = MIXED_BACKENDS if args.mixed else ("classic",)
    start.wait()
    seed = 0
    while time.perf_counter() - origin[0] < args.duration:
        backend = backends[seed % len(backends)]
        job = fresh_job(template, kiosk.kiosk_id, seed, args.timeout).model_copy(update={"backend": backend})
        seed += 1
        run.submitted.append(job.job_id)
        try:
            timed = round_trip(kiosk, job, args.timeout)
        except JobFailedError as exc:
            run.errors[f"failed_{exc.code}"] += 1
        except JobTimeout:
            run.errors["timeout"] += 1
        except Exception as exc:  # a bench reports, it does not stop at the first surprise
            run.errors[type(exc).__name__] += 1
            log.warning("kiosk %s: %s", kiosk.kiosk_id, exc)
        else:
            run.latencies.append((time.perf_counter() - origin[0], timed.total_s))
            run.by_worker[timed.worker_id or "?"] += 1
            if args.mixed and timed.worker_id != mixed_worker_id(backend):
                run.errors["wrong_worker"] += 1
        if args.think > 0:
            time.sleep(args.think)  # a visitor looking at the results before asking again


def drive_all(kiosks: list[Kiosk], runs: list[KioskRun], args: argparse.Namespace) -> float:
    """Every kiosk drives its jobs on a thread of its own, all from one moment; returns the wall seconds."""
    barrier = threading.Barrier(len(kiosks) + 1)
    origin = [0.0]
    threads = [
        threading.Thread(target=drive, args=(kiosk, run, args, barrier, origin), daemon=True)
        for kiosk, run in zip(kiosks, runs, strict=True)
    ]
    for thread in threads:
        thread.start()
    origin[0] = time.perf_counter()
    barrier.wait()
    for thread in threads:
        thread.join()
    return time.perf_counter() - origin[0]


def lost_and_duplicated(kiosks: list[Kiosk], runs: list[KioskRun]) -> tuple[list[str], list[str]]:
    """Jobs that never ended at their kiosk, and jobs with an image index delivered to the app twice."""
    lost, duplicated = [], []
    for kiosk, run in zip(kiosks, runs, strict=True):
        for job_id in run.submitted:
            handle = kiosk.client.handle(job_id)
            # A forgotten handle had finished (only finished ones are pruned); a live one must have too.
            if handle is not None and not handle.finished:
                lost.append(job_id)
        duplicated += sorted({job_id for (job_id, _index), count in run.images_to_app.items() if count > 1})
    return lost, duplicated


def buckets(runs: list[KioskRun], width: float, duration: float) -> list[dict[str, float]]:
    """Jobs completed in each `width`-second slice of the window: the rate over time."""
    counts: Counter[int] = Counter(int(ended // width) for run in runs for ended, _ in run.latencies)
    last = max(int(duration // width), max(counts, default=0))
    return [
        {"from_s": index * width, "jobs": counts[index], "jobs_per_s": round(counts[index] / width, 2)}
        for index in range(last + 1)
    ]


def baseline(kiosk: Kiosk, args: argparse.Namespace) -> dict[str, object]:
    """One kiosk alone, jobs one after another on the idle workers: the latency the fleet is compared to."""
    template = template_job(kiosk.kiosk_id, CHEAP_PRESET, args.timeout)
    latencies = []
    for seed in range(args.baseline_jobs + 2):  # two uncounted warm-up jobs
        timed = round_trip(
            kiosk, fresh_job(template, kiosk.kiosk_id, 10**6 + seed, args.timeout), args.timeout
        )
        if seed >= 2:
            latencies.append(timed.total_s)
    lat = summary_ms(latencies)
    return {"jobs": len(latencies), "latency_ms": {key: lat[key] for key in ("p50", "p95", "p99", "max")}}


def mixed_worker_id(backend: str) -> str:
    return f"fleet-{backend}"


def mixed_workers(url: str, workdir: Path) -> list[WorkerProcess]:
    """One `teachbooth worker` per backend, each configured by a TOML file as an operator would."""
    from tools.make_tiny_pipelines import make_tiny_pipelines  # torch and diffusers: only for --mixed

    diffusion = [backend for backend in MIXED_BACKENDS if backend != "classic"]
    models = make_tiny_pipelines(workdir / "tiny-pipelines", diffusion)
    workers = []
    for backend in MIXED_BACKENDS:
        worker_id = mixed_worker_id(backend)
        settings = [f'backends = ["{backend}"]', f"working_size = {MIXED_SIZE}"]
        if backend in models:
            settings += [f"[{backend}]", f'model = "{models[backend]}"', 'device = "cpu"']
            settings += [f"longest_side = {MIXED_SIZE}"] + (
                ["few_step = true"] if backend == "img2img" else []
            )
        config = workdir / f"{worker_id}.toml"
        config.write_text("\n".join(settings) + "\n")
        workers.append(WorkerProcess(url, worker_id, workdir / f"{worker_id}.log", ("--config", str(config))))
    return workers


def fleet(args: argparse.Namespace, workdir: Path) -> dict[str, object]:
    with (
        broker(workdir, "fleet") as mosquitto,
        (
            running(mixed_workers(mosquitto.url, workdir))
            if args.mixed
            else worker_processes(mosquitto.url, args.workers, workdir, "fleet")
        ) as workers,
    ):
        runs = [KioskRun() for _ in range(args.kiosks)]
        kiosks = [
            Kiosk(mosquitto.url, f"fleet-k{index + 1:03d}", workdir, on_event=run.on_event)
            for index, run in enumerate(runs)
        ]
        log.info("fleet: %d kiosks, %d workers, %g s", args.kiosks, len(workers), args.duration)
        for kiosk in kiosks:
            kiosk.start()
        try:
            for kiosk in kiosks:
                wait_for_workers(kiosk, len(workers), workers, WORKER_START_S)
            alone = baseline(kiosks[0], args)
            log.info("baseline: one kiosk alone, p50 %.0f ms", alone["latency_ms"]["p50"])
            server_pids = {"broker": mosquitto.process.pid}
            server_pids |= {worker.worker_id: worker.process.pid for worker in workers if worker.process}
            cpu_pids: dict[str, int | None] = {"kiosks_bench_process": None, **server_pids}
            with RssSampler(server_pids, args.sample) as rss, CpuWindow(cpu_pids) as cpu:
                wall = drive_all(kiosks, runs, args)
            cpu.warn_if_disturbed(f"{args.kiosks} kiosks, {len(workers)} workers")
            lost, duplicated = lost_and_duplicated(kiosks, runs)
            kiosk_stats = sum((Counter(kiosk.client.stats) for kiosk in kiosks), Counter())
            outboxes_left = sum(kiosk.client.outbox_depth() for kiosk in kiosks)
        finally:
            for kiosk in kiosks:
                kiosk.stop()
    latencies = [latency for run in runs for _, latency in run.latencies]
    in_window = sum(1 for run in runs for ended, _ in run.latencies if ended <= args.duration)
    errors = sum((run.errors for run in runs), Counter())
    lat = summary_ms(latencies)
    done = max(1, len(latencies))
    return {
        "baseline_one_kiosk": alone,
        "jobs_submitted": sum(len(run.submitted) for run in runs),
        "jobs_done": len(latencies),
        "errors": sum(errors.values()),
        "errors_by_kind": dict(errors),
        "lost": len(lost),
        "lost_job_ids": lost[:20],
        "duplicated": len(duplicated),
        "duplicated_job_ids": duplicated[:20],
        "outbox_rows_left": outboxes_left,
        "jobs_per_s": round(in_window / args.duration, 2),
        "images_per_s": round(NUM_IMAGES * in_window / args.duration, 2),
        "wall_s_including_drain": round(wall, 1),
        "latency_ms": {key: lat[key] for key in ("p50", "p95", "p99", "max")},
        "latency_p50_over_baseline_p50": round(lat["p50"] / alone["latency_ms"]["p50"], 2)
        if latencies
        else None,
        "cpu_ms_per_job": {
            name: None if cpu_s is None else round(1000 * cpu_s / done, 1)
            for name, cpu_s in cpu.result["cpu_s"].items()
        },
        "jobs_by_worker": dict(sorted(sum((run.by_worker for run in runs), Counter()).items())),
        "rss_mb": rss.result(),
        "kiosks_process_peak_rss_mb": round(peak_rss_mb(), 1),
        "cpu": cpu.result,
        "kiosk_client_stats": dict(kiosk_stats),
        "completions": buckets(runs, args.bucket, args.duration),
    }


def honest_window(
    broker: SecuredBroker, workers: list[WorkerProcess], args: argparse.Namespace, workdir: Path, flood: bool
) -> tuple[dict[str, object], list[float]]:
    """The honest kiosks for one window on the shipped broker, with the hostile kiosk flooding or not;
    returns the window's summary and its honest latencies (s).

    The flood starts before the window opens and stops after the last honest job ends, so every
    honest job meets it."""
    workdir.mkdir()
    kiosk_ids = [kiosk for kiosk in broker.fleet.kiosks if kiosk != FLOOD_KIOSK]
    runs = [KioskRun() for _ in kiosk_ids]
    kiosks = [
        Kiosk(broker.url(kiosk), kiosk, workdir, on_event=run.on_event)
        for kiosk, run in zip(kiosk_ids, runs, strict=True)
    ]
    template = template_job(FLOOD_KIOSK, CHEAP_PRESET, args.timeout)
    flooder = (
        Flood(broker.url(FLOOD_KIOSK), FLOOD_KIOSK, template, args.flood_rate, kind=args.flood_kind)
        if flood
        else None
    )
    dropped_before = broker.dropping_notices()
    for kiosk in kiosks:
        kiosk.start()
    try:
        for kiosk in kiosks:
            wait_for_workers(kiosk, len(workers), workers, WORKER_START_S)
        if flooder is not None:
            flooder.start()
        log.info("%s: %d honest kiosks for %g s", "flooded" if flood else "quiet", len(kiosks), args.duration)
        wall = drive_all(kiosks, runs, args)
        if flooder is not None:
            flooder.stop()
        lost, duplicated = lost_and_duplicated(kiosks, runs)
    finally:
        for kiosk in kiosks:
            kiosk.stop()
    latencies = [latency for run in runs for _, latency in run.latencies]
    lat = summary_ms(latencies)
    errors = sum((run.errors for run in runs), Counter())
    summary = {
        "honest_jobs_submitted": sum(len(run.submitted) for run in runs),
        "honest_jobs_done": len(latencies),
        "honest_latency_ms": {key: lat[key] for key in ("p50", "p95", "p99", "max")},
        "honest_errors_by_kind": dict(errors),
        "honest_lost": len(lost),
        "honest_duplicated": len(duplicated),
        "wall_s_including_drain": round(wall, 1),
        "broker_dropping_notices": broker.dropping_notices() - dropped_before,
        "flood": None if flooder is None else flooder.result(),
    }
    return summary, latencies


def latency_ratio(quiet: list[float], flooded: list[float], percentile: float) -> float | None:
    if not quiet or not flooded:
        return None
    return round(float(np.percentile(flooded, percentile) / np.percentile(quiet, percentile)), 2)


def hostile(args: argparse.Namespace, workdir: Path) -> dict[str, object]:
    """The honest fleet through the shipped broker and workers, quiet and with one kiosk flooding.

    `--pairs` quiet and flooded windows alternate (quiet first, then flooded first, ...) so a
    machine that gets busier or quieter during the run weighs on both alike; the ratios pool
    every window of each kind, and each pair's own p99 ratio shows the spread."""
    honest = tuple(f"fleet-k{index + 1:03d}" for index in range(args.kiosks))
    worker_ids = tuple(f"fleet-w{index + 1}" for index in range(args.workers))
    broker = start_shipped_broker(workdir / "broker", Fleet("127.0.0.1", (*honest, FLOOD_KIOSK), worker_ids))
    windows: dict[bool, list[dict[str, object]]] = {False: [], True: []}
    latencies: dict[bool, list[list[float]]] = {False: [], True: []}
    try:
        with running(
            [WorkerProcess(broker.url(worker), worker, workdir / f"{worker}.log") for worker in worker_ids]
        ) as workers:
            for pair in range(args.pairs):
                for flood in (False, True) if pair % 2 == 0 else (True, False):
                    name = f"{'flooded' if flood else 'quiet'}-{pair + 1}"
                    summary, window_latencies = honest_window(broker, workers, args, workdir / name, flood)
                    windows[flood].append(summary)
                    latencies[flood].append(window_latencies)
    finally:
        broker.stop()

    def pooled(flood: bool) -> list[float]:
        return [latency for window in latencies[flood] for latency in window]

    return {
        "quiet": windows[False],
        "flooded": windows[True],
        "pair_p99_flooded_over_quiet": [
            latency_ratio(quiet, flooded, 99)
            for quiet, flooded in zip(latencies[False], latencies[True], strict=True)
        ],
        "honest_latency_ms_pooled": {
            kind: {key: summary[key] for key in ("n", "p50", "p99")}
            for kind, summary in (("quiet", summary_ms(pooled(False))), ("flooded", summary_ms(pooled(True))))
        },
        "honest_p50_flooded_over_quiet": latency_ratio(pooled(False), pooled(True), 50),
        "honest_p99_flooded_over_quiet": latency_ratio(pooled(False), pooled(True), 99),
        "honest_lost": sum(window["honest_lost"] for window in [*windows[False], *windows[True]]),
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kiosks", type=int, default=50, help="simulated kiosks")
    parser.add_argument("--duration", type=float, default=300.0, help="seconds during which jobs start")
    parser.add_argument(
        "--workers", type=int, default=2, help="`teachbooth worker` processes (classic; not with --mixed)"
    )
    parser.add_argument("--baseline-jobs", type=int, default=20, help="jobs of one kiosk alone, first")
    parser.add_argument("--think", type=float, default=0.0, help="seconds a kiosk waits between jobs")
    parser.add_argument("--timeout", type=float, default=60.0, help="per-job deadline and wait, seconds")
    parser.add_argument("--sample", type=float, default=5.0, help="seconds between RSS samples")
    parser.add_argument("--bucket", type=float, default=30.0, help="seconds per completions bucket")
    parser.add_argument("--workdir", type=Path, help="broker config, outboxes, worker logs (default: temp)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 5 kiosks for 10 s, same code path")
    parser.add_argument(
        "--mixed", action="store_true", help="one worker per backend (tiny pipelines), jobs of all four"
    )
    parser.add_argument(
        "--hostile",
        action="store_true",
        help="the shipped broker (TLS, roles, limits): the honest kiosks quiet, then with one kiosk flooding",
    )
    parser.add_argument(
        "--flood-rate", type=float, default=34.0, help="--hostile: messages/s the flooding kiosk sends"
    )
    parser.add_argument(
        "--flood-kind",
        choices=["jobs", "cancels"],
        default="jobs",
        help="--hostile: valid jobs of the largest image, or cancels padded to the largest frame "
        "(cancels reach every worker)",
    )
    parser.add_argument(
        "--pairs", type=int, default=2, help="--hostile: quiet and flooded windows, alternating, of each"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.kiosks, args.duration, args.bucket, args.sample, args.baseline_jobs = 5, 10.0, 5.0, 1.0, 3
    if args.hostile and args.mixed:
        parser.error("--hostile runs classic workers; it does not mix with --mixed")
    if (
        args.kiosks < 1
        or args.pairs < 1
        or args.workers < 1
        or args.baseline_jobs < 1
        or args.duration <= 0
        or args.bucket <= 0
        or args.sample <= 0
    ):
        parser.error(
            "--kiosks, --workers, --baseline-jobs: at least 1; --duration, --bucket, --sample: above 0"
        )
    return args


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log.setLevel(logging.INFO)
    args = parse_args(argv)
    own_workdir = args.workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="teachbooth-fleet-")) if own_workdir else args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    report: dict[str, object] = run_header("fleet_load") | {
        "settings": {
            "kiosks": args.kiosks,
            "duration_s": args.duration,
            "workers": list(map(mixed_worker_id, MIXED_BACKENDS)) if args.mixed else args.workers,
            "mixed": args.mixed,
            "hostile": args.hostile,
            "flood_rate_per_s": args.flood_rate if args.hostile else None,
            "flood_kind": args.flood_kind if args.hostile else None,
            "think_s": args.think,
            "baseline_jobs": args.baseline_jobs,
            "timeout_s": args.timeout,
            "quick": args.quick,
            "job": (
                f"{'/'.join(MIXED_BACKENDS) if args.mixed else 'classic'} {CHEAP_PRESET}, {NUM_IMAGES}"
                " images of the bundled 640x480 sample and its mask"
                + (f"; diffusion: tiny pipelines at {MIXED_SIZE} px" if args.mixed else "")
            ),
            "design": (
                "each kiosk: its own JobClient, kiosk id and outbox on its own thread of this process, one"
                " job in flight, back-to-back; workers: `teachbooth worker` processes in their backend's"
                " MQTT 5 shared subscription group (`$share/teachbooth-<backend>/...`); broker: mosquitto on"
                " 127.0.0.1, persistence off"
            ),
        },
    }
    try:
        report["result"] = hostile(args, workdir) if args.hostile else fleet(args, workdir)
    finally:
        report["load_average_at_end"] = [round(v, 2) for v in os.getloadavg()]
        report["bench_wall_s"] = round(time.perf_counter() - began, 1)
        report["disturbed"] = disturbed()
        if own_workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

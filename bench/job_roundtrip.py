"""Job round trip over MQTT: what the broker path costs, and how many jobs a second it carries.

Prints one JSON object to stdout; progress goes to stderr. Run from the repository root:

    .venv/bin/python -m bench.job_roundtrip            # full run (2 to 2.5 minutes on 2 cores)
    .venv/bin/python -m bench.job_roundtrip --quick    # smoke run (about 20 s)

Two parts, each against a real mosquitto on loopback (one fresh broker per part, so no
retained status or session from an earlier part leaks into the next):

1. Overhead. The same job (640x480 JPEG sample with its mask, 4 result images) is run
   N times in turn (a) through the real path, kiosk `JobClient` -> mosquitto -> worker ->
   back, timed from `submit()` to `wait()` returning, and (b) in this process without
   MQTT: `prepare_request` + `ClassicBackend.generate` + `encode_jpeg` of every result,
   which is what the worker itself does for a job. (a) and (b) alternate, job i with seed
   i on both sides, so drift hits both alike and the overhead is reported as the p50/p95
   of the *paired per-job differences* (the difference of the two distributions' p50s is
   given beside it). Done for the preset `new_colour` (the target case) and the cheapest
   preset `different_light` (so transport is less drowned by generation), with the worker
   as a separate process (the deployment shape) and as `WorkerService` inside this
   process (sharing this process's GIL with the kiosk client).

2. Throughput. C concurrent kiosks (each its own `JobClient`, kiosk id and outbox, on its
   own thread of this process) each submit a fixed number of jobs (`--per-client`)
   back-to-back, one in flight per kiosk, against one worker process and then two worker
   processes sharing the jobs through the classic backend's MQTT 5 shared subscription. jobs/s = jobs done /
   wall time from the common start to the last job's end; latency per job is submit to
   wait returning. Preset `different_light`, 4 images, so the broker path weighs as much
   as possible; on a 2-core machine the two workers, the broker and the kiosks share the
   same 2 cores, which caps the two-worker speed-up well below 2.

Both parts break each job's time down with the worker's own timestamps (`accepted.at`,
`done.at`, `done.elapsed_s`; one machine, one wall clock), and record the CPU seconds of
every process involved and of everything else on the machine: a measured window where
other processes took more than 5% of the CPU is logged and listed under `disturbed`.

No timed assertions: this script measures and reports, it never fails on a number.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import numpy as np

from bench.machine import busy_seconds, facts, git_state, usable_cores
from gpu_worker.backends.classic import ClassicBackend
from gpu_worker.config import WorkerConfig
from gpu_worker.intake import prepare_request
from gpu_worker.service import WorkerService
from kiosk.jobs.client import EventCallback, JobClient, JobFailedError, JobTimeout
from kiosk.jobs.files import JobSpec, job_from_files
from shared.imaging import encode_jpeg
from shared.mqtt import BrokerUrl
from shared.presets import Preset
from shared.protocol import GenerationJob, JobAccepted, JobDone, encode
from testkit.mosquitto import Mosquitto, find_mosquitto
from testkit.worker_process import WorkerProcess

REPO = Path(__file__).resolve().parents[1]

log = logging.getLogger("bench.job_roundtrip")

SAMPLE_IMAGE = REPO / "kiosk" / "samples" / "red_apple.jpg"
SAMPLE_MASK = REPO / "kiosk" / "samples" / "red_apple_mask.png"
WORKING_SIZE = WorkerConfig.model_fields["working_size"].default
OVERHEAD_TARGET_MS = 50.0
TARGET_PRESET = Preset.NEW_COLOUR
CHEAP_PRESET = Preset.DIFFERENT_LIGHT
CONNECT_TIMEOUT_S = 20.0


# -- small helpers ---------------------------------------------------------------------------


def ms(seconds: float) -> float:
    return round(seconds * 1000.0, 2)


def summary_ms(values_s: list[float]) -> dict[str, float | int | None]:
    """p50/p95/p99/mean/min/max in milliseconds (linear-interpolated percentiles)."""
    if not values_s:
        return {"n": 0, "p50": None, "p95": None, "p99": None, "mean": None, "min": None, "max": None}
    arr = np.asarray(values_s, dtype=float)
    return {
        "n": len(values_s),
        "p50": ms(float(np.percentile(arr, 50))),
        "p95": ms(float(np.percentile(arr, 95))),
        "p99": ms(float(np.percentile(arr, 99))),
        "mean": ms(float(arr.mean())),
        "min": ms(float(arr.min())),
        "max": ms(float(arr.max())),
    }


def template_job(kiosk_id: str, preset: Preset, timeout_s: float) -> GenerationJob:
    """The kiosk's own path from files to a job (640x480 JPEG re-encoded at q92, PNG mask)."""
    spec = JobSpec(label="apple", preset=preset, change=0.6, num_images=4, seed=0, timeout_s=timeout_s)
    return job_from_files(kiosk_id, SAMPLE_IMAGE, SAMPLE_MASK, spec)


def fresh_job(template: GenerationJob, kiosk_id: str, seed: int, timeout_s: float) -> GenerationJob:
    now = time.time()
    return template.model_copy(
        update={
            "job_id": uuid.uuid4().hex,
            "kiosk_id": kiosk_id,
            "seed": seed,
            "created_at": now,
            "deadline": now + timeout_s,
        }
    )


def in_process(backend: ClassicBackend, job: GenerationJob) -> float:
    """What the worker does for a job, without MQTT: decode, generate, JPEG-encode each result."""
    started = time.perf_counter()
    request = prepare_request(job, WORKING_SIZE)
    encoded = [encode_jpeg(generated.image) for generated in backend.generate(request, lambda _s, _t: None)]
    elapsed = time.perf_counter() - started
    if len(encoded) != job.num_images:
        raise RuntimeError(f"in-process run made {len(encoded)} images, expected {job.num_images}")
    return elapsed


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
OTHER_CPU_WARN_SHARE = 0.05
DISTURBED: list[dict[str, object]] = []
"""Measured windows during which other processes took more than OTHER_CPU_WARN_SHARE of the CPU."""


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU time of a process (all its threads; None = this one); None without /proc."""
    if pid is None:
        times = os.times()
        return times.user + times.system
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime (fields 14 and 15 of stat)


class CpuWindow:
    """CPU used by the bench's own processes, and by everything else, over a `with` block.

    The machine has few cores and may be shared (another person's test run): `other_processes_s`
    says how much CPU something outside this benchmark took while it measured.
    """

    def __init__(self, pids: dict[str, int | None]) -> None:
        self.pids = pids
        self.result: dict[str, object] = {}

    def _snapshot(self) -> tuple[float, dict[str, float | None], float | None]:
        return time.perf_counter(), {n: cpu_seconds(p) for n, p in self.pids.items()}, busy_seconds()

    def __enter__(self) -> CpuWindow:
        self._before = self._snapshot()
        return self

    def __exit__(self, *_exc: object) -> None:
        (t0, ours0, busy0), (t1, ours1, busy1) = self._before, self._snapshot()
        ours = {
            name: None if ours0[name] is None or ours1[name] is None else round(ours1[name] - ours0[name], 2)
            for name in self.pids
        }
        wall = t1 - t0
        other = None
        if busy0 is not None and busy1 is not None and all(v is not None for v in ours.values()):
            other = round(max(0.0, (busy1 - busy0) - sum(ours.values())), 2)
        self.result = {
            "wall_s": round(wall, 2),
            "cpu_s": ours,
            "busy_share": round(sum(v for v in ours.values() if v) / (wall * usable_cores()), 3),
            "other_processes_s": other,
            "other_share": None if other is None else round(other / (wall * usable_cores()), 3),
        }

    def warn_if_disturbed(self, what: str) -> None:
        share = self.result.get("other_share")
        if share is not None and share > OTHER_CPU_WARN_SHARE:
            DISTURBED.append({"part": what, "other_share": share})
            log.warning(
                "other processes used %.0f%% of the machine's CPU during %s: its figures are disturbed",
                100 * share,
                what,
            )


@contextlib.contextmanager
def broker(workdir: Path, name: str) -> Iterator[Mosquitto]:
    folder = workdir / name
    folder.mkdir(parents=True, exist_ok=True)
    mosquitto = Mosquitto(workdir=folder, persistence=False)
    mosquitto.start()
    try:
        yield mosquitto
    finally:
        mosquitto.stop()


def worker_processes(
    url: str, count: int, workdir: Path, tag: str
) -> contextlib.AbstractContextManager[list[WorkerProcess]]:
    """`count` classic workers, started for the block."""
    return running(
        [
            WorkerProcess(url, f"{tag}-w{index + 1}", workdir / f"{tag}-w{index + 1}.log")
            for index in range(count)
        ]
    )


@contextlib.contextmanager
def running(workers: list[WorkerProcess]) -> Iterator[list[WorkerProcess]]:
    """Start the worker processes for the block; SIGTERM them after it, as systemd would."""
    try:
        for worker in workers:
            worker.start()
        yield workers
    finally:
        for worker in workers:
            worker.stop()


@contextlib.contextmanager
def worker_in_process(url: str, worker_id: str) -> Iterator[WorkerService]:
    service = WorkerService(WorkerConfig(broker=url, worker_id=worker_id))
    service.start()
    try:
        if not service.wait_connected(CONNECT_TIMEOUT_S):
            raise RuntimeError(f"in-process worker could not connect to {url}")
        yield service
    finally:
        service.stop()


class Kiosk:
    """One `JobClient` with its own kiosk id and outbox, connected before use."""

    def __init__(self, url: str, kiosk_id: str, workdir: Path, on_event: EventCallback | None = None) -> None:
        self.kiosk_id = kiosk_id
        outbox = workdir / f"outbox-{kiosk_id}.sqlite3"
        self.client = JobClient(BrokerUrl.parse(url), kiosk_id, outbox, on_event=on_event)

    def start(self) -> None:
        self.client.start()
        if not self.client.wait_connected(CONNECT_TIMEOUT_S):
            raise RuntimeError(f"kiosk {self.kiosk_id} could not connect to the broker")

    def stop(self) -> None:
        self.client.stop()


def wait_for_workers(
    kiosk: Kiosk,
    count: int,
    workers: list[WorkerProcess] | None = None,
    timeout_s: float = CONNECT_TIMEOUT_S,
) -> list[str]:
    """Wait until the kiosk has seen `count` workers online (their retained status)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        # Woken by every worker status; the one-second slices are for noticing a worker that died.
        online = kiosk.client.wait_for_workers(timeout=1.0, count=count)
        if len(online) >= count:
            return online
        for worker in workers or []:
            if worker.process is not None and worker.process.poll() is not None:
                raise RuntimeError(f"worker {worker.worker_id} exited:\n{worker.log_tail()}")
    tails = "\n".join(f"--- {w.worker_id}\n{w.log_tail()}" for w in workers or [])
    raise RuntimeError(f"only {kiosk.client.workers_online()} of {count} workers came online\n{tails}")


@dataclass
class Timed:
    """One job through the broker, timed on both sides (wall clocks of the same machine)."""

    total_s: float
    submit_call_s: float
    to_accepted_s: float | None
    queued_s: float | None
    worker_s: float | None
    done_to_return_s: float | None
    worker_id: str | None


def round_trip(kiosk: Kiosk, job: GenerationJob, timeout_s: float) -> Timed:
    """submit() to wait() returning; raises JobTimeout / JobFailedError."""
    wall0 = time.time()
    started = time.perf_counter()
    handle = kiosk.client.submit(job)
    submitted = time.perf_counter()
    kiosk.client.wait(handle, timeout_s)
    ended = time.perf_counter()
    wall_end = wall0 + (ended - started)
    accepted = next((e for e in handle.events if isinstance(e, JobAccepted)), None)
    done = next((e for e in handle.events if isinstance(e, JobDone)), None)
    worker_started = None if done is None else done.at - done.elapsed_s
    return Timed(
        total_s=ended - started,
        submit_call_s=submitted - started,
        to_accepted_s=None if accepted is None else accepted.at - wall0,
        queued_s=None if accepted is None or worker_started is None else worker_started - accepted.at,
        worker_s=None if done is None else done.elapsed_s,
        done_to_return_s=None if done is None else wall_end - done.at,
        worker_id=handle.worker_id,
    )


def breakdown(timings: list[Timed]) -> dict[str, object]:
    def p50(values: list[float | None]) -> float | None:
        kept = [v for v in values if v is not None]
        return ms(float(np.percentile(kept, 50))) if kept else None

    return {
        "note": (
            "medians in ms; submit_call: inside JobClient.submit (encode, outbox insert with fsync,"
            " publish); to_accepted: submit start to the worker's `accepted` (kiosk->broker->worker,"
            " parse, validate); queued: accepted to the runner starting; worker: runner start to `done`"
            " published (JobDone.elapsed_s: decode, generate, JPEG, frame and publish 4 images and"
            " progress); done_to_return: `done` published to wait() returning (delivery, kiosk decode;"
            " the outbox row is deleted after wait() is woken); outside_worker: total minus worker."
            " Worker and kiosk share one wall clock here; the parts need not add up exactly to the total"
        ),
        "total": p50([t.total_s for t in timings]),
        "submit_call": p50([t.submit_call_s for t in timings]),
        "to_accepted": p50([t.to_accepted_s for t in timings]),
        "queued": p50([t.queued_s for t in timings]),
        "worker": p50([t.worker_s for t in timings]),
        "done_to_return": p50([t.done_to_return_s for t in timings]),
        "outside_worker": p50([t.total_s - t.worker_s if t.worker_s is not None else None for t in timings]),
    }


# -- part 1: overhead ------------------------------------------------------------------------


def overhead_case(
    kiosk: Kiosk, backend: ClassicBackend, preset: Preset, jobs: int, warmup: int, timeout_s: float
) -> dict[str, object]:
    template = template_job(kiosk.kiosk_id, preset, timeout_s)
    for index in range(warmup):
        job = fresh_job(template, kiosk.kiosk_id, 10_000 + index, timeout_s)
        in_process(backend, job)
        round_trip(kiosk, job, timeout_s)
    trips: list[Timed] = []
    local: list[float] = []
    errors: Counter[str] = Counter()
    for index in range(jobs):
        job = fresh_job(template, kiosk.kiosk_id, index, timeout_s)
        # Alternate which side goes first, so neither always runs straight after the other.
        try:
            if index % 2 == 0:
                alone = in_process(backend, job)
                trip = round_trip(kiosk, job, timeout_s)
            else:
                trip = round_trip(kiosk, job, timeout_s)
                alone = in_process(backend, job)
        except JobFailedError as exc:  # reported, and the pair left out
            errors[f"failed_{exc.code}"] += 1
            continue
        except JobTimeout:
            errors["timeout"] += 1
            continue
        trips.append(trip)
        local.append(alone)
    if not trips:
        raise RuntimeError(f"no {preset} job came back through the broker: {dict(errors)}")
    totals = [t.total_s for t in trips]
    differences = [trip - alone for trip, alone in zip(totals, local, strict=True)]
    rt, ip, diff = summary_ms(totals), summary_ms(local), summary_ms(differences)
    return {
        "preset": str(preset),
        "num_images": template.num_images,
        "job_bytes": len(encode(template)),
        "errors": dict(errors),
        "round_trip_ms": rt,
        "in_process_ms": ip,
        "overhead_ms": {
            "method": "paired per-job differences: round trip of job i minus the in-process run of job i",
            "p50": diff["p50"],
            "p95": diff["p95"],
            "mean": diff["mean"],
            "p50_of_distributions": round(rt["p50"] - ip["p50"], 2),
            "p95_of_distributions": round(rt["p95"] - ip["p95"], 2),
        },
        "ratio_round_trip_p50_over_in_process_p50": round(rt["p50"] / ip["p50"], 3),
        "meets_target": diff["p50"] < OVERHEAD_TARGET_MS,
        "breakdown_ms": breakdown(trips),
    }


def overhead_part(args: argparse.Namespace, workdir: Path, mode: str) -> dict[str, object]:
    """Both presets against one worker, `mode` = "subprocess" or "inprocess"."""
    log.info("overhead: %s worker, %d jobs per preset (+%d warm-up)", mode, args.jobs, args.warmup)
    backend = ClassicBackend()
    with broker(workdir, f"overhead-{mode}") as mosquitto:
        if mode == "subprocess":
            workers_cm = worker_processes(mosquitto.url, 1, workdir, f"ovh-{mode}")
        else:
            workers_cm = worker_in_process(mosquitto.url, f"ovh-{mode}-w1")
        with workers_cm as workers:
            kiosk = Kiosk(mosquitto.url, f"bench-ovh-{mode}", workdir)
            kiosk.start()
            pids: dict[str, int | None] = {"bench_process": None, "broker": mosquitto.process.pid}
            if mode == "subprocess":
                pids.update({worker.worker_id: worker.process.pid for worker in workers if worker.process})
            try:
                wait_for_workers(kiosk, 1, workers if mode == "subprocess" else None)
                cases = {}
                for preset in (TARGET_PRESET, CHEAP_PRESET):
                    with CpuWindow(pids) as cpu:
                        case = overhead_case(kiosk, backend, preset, args.jobs, args.warmup, args.timeout)
                    cpu.warn_if_disturbed(f"overhead {preset} ({mode} worker)")
                    case["cpu"] = cpu.result
                    cases[str(preset)] = case
                    log.info(
                        "  %s: round trip p50 %.1f ms, in-process p50 %.1f ms, overhead p50 %.1f ms",
                        preset,
                        case["round_trip_ms"]["p50"],
                        case["in_process_ms"]["p50"],
                        case["overhead_ms"]["p50"],
                    )
            finally:
                kiosk.stop()
            result: dict[str, object] = {"worker": mode, "cases": cases}
            if mode == "inprocess":
                result["worker_stats"] = dict(workers.stats)
            return result


# -- part 2: throughput ----------------------------------------------------------------------


@dataclass
class ClientRun:
    timings: list[Timed] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    by_worker: Counter[str] = field(default_factory=Counter)
    ended: float = 0.0


def run_client(
    kiosk: Kiosk,
    template: GenerationJob,
    count: int,
    timeout_s: float,
    start: threading.Barrier,
    out: ClientRun,
) -> None:
    start.wait()
    for index in range(count):
        job = fresh_job(template, kiosk.kiosk_id, index, timeout_s)
        try:
            timed = round_trip(kiosk, job, timeout_s)
        except JobFailedError as exc:
            out.errors[f"failed_{exc.code}"] += 1
        except JobTimeout:
            out.errors["timeout"] += 1
        except Exception as exc:  # a bench reports, it does not stop at the first surprise
            out.errors[type(exc).__name__] += 1
            log.warning("kiosk %s: %s", kiosk.kiosk_id, exc)
        else:
            out.timings.append(timed)
            out.by_worker[timed.worker_id or "?"] += 1
    out.ended = time.perf_counter()


def in_threads(targets: list[Callable[[], None]]) -> None:
    threads = [threading.Thread(target=target, daemon=True) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def throughput_level(
    mosquitto: Mosquitto,
    clients: int,
    per_client: int,
    workers: list[WorkerProcess],
    workdir: Path,
    timeout_s: float,
) -> dict[str, object]:
    url = mosquitto.url
    tag = f"bench-tp{len(workers)}-c{clients}"
    kiosks = [Kiosk(url, f"{tag}-k{index + 1}", workdir) for index in range(clients)]
    for kiosk in kiosks:
        kiosk.start()
    try:
        for kiosk in kiosks:
            wait_for_workers(kiosk, len(workers), workers)
        templates = {
            kiosk.kiosk_id: template_job(kiosk.kiosk_id, CHEAP_PRESET, timeout_s) for kiosk in kiosks
        }

        def warm(kiosk: Kiosk) -> Callable[[], None]:
            template = templates[kiosk.kiosk_id]
            return lambda: round_trip(
                kiosk, fresh_job(template, kiosk.kiosk_id, 99_999, timeout_s), timeout_s
            )

        in_threads([warm(kiosk) for kiosk in kiosks])  # one uncounted job per kiosk

        runs = [ClientRun() for _ in kiosks]
        barrier = threading.Barrier(clients + 1)
        threads = [
            threading.Thread(
                target=run_client,
                args=(kiosk, templates[kiosk.kiosk_id], per_client, timeout_s, barrier, run),
                daemon=True,
            )
            for kiosk, run in zip(kiosks, runs, strict=True)
        ]
        for thread in threads:
            thread.start()
        pids = {"kiosks_bench_process": None, "broker": mosquitto.process.pid}
        pids.update({worker.worker_id: worker.process.pid for worker in workers if worker.process})
        barrier.wait()
        started = time.perf_counter()
        with CpuWindow(pids) as cpu:
            for thread in threads:
                thread.join()
        cpu.warn_if_disturbed(f"{clients} clients, {len(workers)} worker(s)")
        wall = max(run.ended for run in runs) - started
        kiosk_stats = sum((Counter(kiosk.client.stats) for kiosk in kiosks), Counter())
    finally:
        for kiosk in kiosks:
            kiosk.stop()
    timings = [timed for run in runs for timed in run.timings]
    latencies = [timed.total_s for timed in timings]
    errors = sum((run.errors for run in runs), Counter())
    by_worker = sum((run.by_worker for run in runs), Counter())
    lat = summary_ms(latencies)
    return {
        "clients": clients,
        "jobs": clients * per_client,
        "done": len(latencies),
        "errors": sum(errors.values()),
        "errors_by_kind": dict(errors),
        "wall_s": round(wall, 3),
        "jobs_per_s": round(len(latencies) / wall, 2),
        "images_per_s": round(4 * len(latencies) / wall, 2),
        "latency_ms": {"p50": lat["p50"], "p95": lat["p95"], "max": lat["max"]},
        "jobs_by_worker": dict(sorted(by_worker.items())),
        "breakdown_ms": {key: value for key, value in breakdown(timings).items() if key != "note"},
        "cpu": cpu.result,
        "kiosk_client_stats": dict(kiosk_stats),
    }


def throughput_part(args: argparse.Namespace, workdir: Path) -> dict[str, object]:
    results: dict[str, list[dict[str, object]]] = {}
    for count in (1, 2):
        log.info(
            "throughput: %d worker process(es), clients %s, %d jobs each",
            count,
            args.clients,
            args.per_client,
        )
        with (
            broker(workdir, f"throughput-{count}w") as mosquitto,
            worker_processes(mosquitto.url, count, workdir, f"tp{count}") as workers,
        ):
            levels = []
            for clients in args.clients:
                level = throughput_level(mosquitto, clients, args.per_client, workers, workdir, args.timeout)
                levels.append(level)
                log.info(
                    "  %2d clients: %.1f jobs/s, p50 %.0f ms, p95 %.0f ms, errors %d, by worker %s, cpu %s",
                    clients,
                    level["jobs_per_s"],
                    level["latency_ms"]["p50"] or 0,
                    level["latency_ms"]["p95"] or 0,
                    level["errors"],
                    level["jobs_by_worker"],
                    level["cpu"]["cpu_s"],
                )
            results[f"{count}_worker"] = levels
    speedup = {
        str(one["clients"]): round(two["jobs_per_s"] / one["jobs_per_s"], 3) if one["jobs_per_s"] else None
        for one, two in zip(results["1_worker"], results["2_worker"], strict=True)
    }
    return {
        "preset": str(CHEAP_PRESET),
        "num_images": 4,
        "design": (
            "each client: its own JobClient, kiosk id and outbox on its own thread of this process;"
            " one uncounted warm-up job each, then --per-client jobs back-to-back (one in flight per"
            " client) from a common start. jobs_per_s = jobs done / (last job's end - common start);"
            " latency = submit() to wait() returning. Two workers = two `teachbooth worker` processes"
            " in the classic backend's MQTT 5 shared-subscription group. cpu.cpu_s: CPU seconds each process"
            " used in the"
            " measured window (the kiosks are this bench process); cpu.busy_share: their sum over wall x"
            " usable cores; cpu.other_processes_s: CPU used by anything else on the machine meanwhile"
        ),
        "one_worker": results["1_worker"],
        "two_workers": results["2_worker"],
        "speedup_two_over_one_by_clients": speedup,
    }


# -- main ------------------------------------------------------------------------------------


def machine() -> dict[str, object]:
    mosquitto_version = subprocess.run(
        [find_mosquitto(), "-h"], capture_output=True, text=True, check=False
    ).stdout.splitlines()[:1]
    versions = {}
    for dist in ("paho-mqtt", "pydantic", "pillow", "numpy"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    return facts() | {
        "mosquitto": mosquitto_version[0] if mosquitto_version else None,
        "packages": versions,
    }


def run_header(benchmark: str) -> dict[str, object]:
    """What every run's JSON starts with: the bench, when, the command, the machine, the tree, the load."""
    return {
        "benchmark": benchmark,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "machine": machine(),
        "git": git_state(),
        "load_average_at_start": [round(v, 2) for v in os.getloadavg()]
        if hasattr(os, "getloadavg")
        else None,
    }


def disturbed() -> dict[str, object]:
    """The measured windows other processes disturbed (see `CpuWindow.warn_if_disturbed`)."""
    return {
        "note": (
            f"measured windows in which other processes used more than {OTHER_CPU_WARN_SHARE:.0%}"
            " of the machine's CPU; empty means the run had the machine to itself"
        ),
        "parts": DISTURBED,
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=30, help="measured sequential jobs per overhead case")
    parser.add_argument("--warmup", type=int, default=3, help="uncounted jobs before each overhead case")
    parser.add_argument(
        "--clients", default="1,4,16", help="comma-separated concurrent kiosk counts for throughput"
    )
    parser.add_argument("--per-client", type=int, default=20, help="jobs each kiosk submits per level")
    parser.add_argument(
        "--overhead-workers",
        default="subprocess,inprocess",
        help="where the overhead part runs its worker: subprocess, inprocess or both",
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="per-job deadline and wait, seconds")
    parser.add_argument("--skip-throughput", action="store_true", help="run the overhead part only")
    parser.add_argument("--skip-overhead", action="store_true", help="run the throughput part only")
    parser.add_argument(
        "--workdir", type=Path, help="broker configs, outboxes and worker logs (default: a fresh temp dir)"
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: tiny workloads, same code path")
    args = parser.parse_args(argv)
    if args.quick:
        args.jobs, args.warmup, args.per_client, args.clients = 5, 1, 3, "1,4"
    args.clients = [int(part) for part in str(args.clients).split(",") if part.strip()]
    args.overhead_workers = [part.strip() for part in args.overhead_workers.split(",") if part.strip()]
    for mode in args.overhead_workers:
        if mode not in ("subprocess", "inprocess"):
            parser.error(f"--overhead-workers: unknown mode {mode!r}")
    if args.jobs < 1 or args.per_client < 1 or not args.clients or min(args.clients) < 1:
        parser.error("--jobs, --per-client and every --clients entry must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log.setLevel(logging.INFO)
    args = parse_args(argv)
    own_workdir = args.workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="teachbooth-bench-")) if own_workdir else args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    report: dict[str, object] = run_header("job_roundtrip") | {
        "settings": {
            "jobs": args.jobs,
            "warmup": args.warmup,
            "clients": args.clients,
            "per_client": args.per_client,
            "overhead_workers": args.overhead_workers,
            "timeout_s": args.timeout,
            "quick": args.quick,
            "image": f"{SAMPLE_IMAGE.relative_to(REPO)} (640x480) + {SAMPLE_MASK.relative_to(REPO)}",
            "working_size": WORKING_SIZE,
            "outbox_dir": str(workdir),
            "broker": "mosquitto on 127.0.0.1, fresh per part, persistence off",
        },
    }
    try:
        if not args.skip_overhead:
            parts = [overhead_part(args, workdir, mode) for mode in args.overhead_workers]
            primary = parts[0]["cases"][str(TARGET_PRESET)]
            report["overhead"] = {
                "target_ms": OVERHEAD_TARGET_MS,
                "target_is": (
                    f"p50 of the paired overhead for preset {TARGET_PRESET}, 4 images, worker as"
                    f" {parts[0]['worker']}"
                ),
                "meets_target": primary["meets_target"],
                "runs": parts,
            }
        if not args.skip_throughput:
            report["throughput"] = throughput_part(args, workdir)
    finally:
        report["bench_wall_s"] = round(time.perf_counter() - began, 1)
        report["disturbed"] = disturbed()
        if own_workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

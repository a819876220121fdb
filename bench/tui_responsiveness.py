"""The kiosk app's responsiveness: tap latency and live-preview frame rate, idle and under load.

    python -m bench.tui_responsiveness [--seconds 20] [--tap-every 0.4] [--photos-per-class 30]
                                       [--generation worker|local] [--quick]

The real app (`TeachBoothApp`, as `teachbooth kiosk` builds it: default settings, the real masker
with MediaPipe, the real backbone) runs at 100x30 on the Capture step with the committed replay
footage (`replay:kiosk/samples/replay`, 30 frames/s). Its output goes through a driver that renders
every update to ANSI text, as on a terminal, and throws it away (`TerminalSink`); that driver's
flush is the moment a frame reaches the screen.

Taps come from a separate thread, the way a touchscreen's events arrive from the driver's input
thread: MouseDown then MouseUp on the centre of a class button at the top of the Capture step,
posted through the driver. The tap's handler rebuilds the class picker and the thumbnails (eight
photos read from the project). Latency is from posting the MouseDown to the first frame flushed
in which the widget at the tapped spot is that class's button, shown as chosen.

Four conditions, each a window of `--seconds`, in one run and one app:

    idle        only the live preview
    training    the train step's `TrainingRun` on an app worker thread, its progress handed to the
                event loop as the step does; every run starts with an empty feature cache (all
                photos and their two augmented views through the backbone, then cross-validated
                training) and a new one starts when one ends, so one is in flight all along
    generation  `new_colour` jobs of 4 pictures through the session's `Expansion`, one after the
                other: with `--generation worker` sent through a real mosquitto to a real
                `teachbooth worker` process (classic backend, on this machine), with `local` made by
                the kiosk's own classic engine on its worker thread (what a kiosk with no worker
                online does)
    both        training and generation at once

The project is made as captures are: rendered scenes (testkit/scenes.py, the four held
objects of bench/live_loop.py with fresh grain per photo) cut out by the kiosk's masker and kept as
`kept_sample` keeps a capture, crop and mask.

Reported per condition: tap latency p50/p95/max, split off the input's wait (tap to the app
dispatching the MouseDown, through Textual's test message hook), taps not answered within
`--tap-timeout` (and whether their MouseDown was dispatched at all), preview frames/s (previews
the Capture step drew, `frames_shown`), frames flushed to the terminal per second, training runs
and generation jobs finished in the window, and the CPU share of this process, of the worker and
broker, and of everything else. Ratios against idle. Targets (issue 5): a tap answered within
100 ms (p95), preview >= 10 frames/s.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import random
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from textual import events
from textual.drivers.headless_driver import HeadlessDriver
from textual.errors import NoWidget

from bench.job_roundtrip import cpu_seconds
from bench.live_loop import LAYOUTS, CpuShare, render_layouts, with_grain
from bench.machine import facts, git_state
from kiosk.generation.expansion import Expansion
from kiosk.generation.status import Phase, Request
from kiosk.learning.training_run import TrainingRun
from kiosk.live.view import kept_sample
from kiosk.masking import Hand, MaskingConfig, ObjectMasker
from kiosk.session import KioskSession
from kiosk.store import Project, Source
from kiosk.tui.app import TeachBoothApp
from kiosk.tui.screens.capture import CaptureScreen
from kiosk.tui.screens.expand import EXPANSION
from kiosk.tui.workers import run_guarded
from shared.presets import Preset
from testkit.mosquitto import Mosquitto
from testkit.scenes import empty_frame
from testkit.worker_process import WorkerProcess

SIZE = (100, 30)
CAMERA = "replay:kiosk/samples/replay"
TARGET_TAP_MS = 100.0
TARGET_FPS = 10.0
CONDITIONS: dict[str, tuple[str, ...]] = {
    "idle": (),
    "training": ("training",),
    "generation": ("generation",),
    "both": ("training", "generation"),
}
"""Each condition and the load kept in flight during it."""


def log(message: str) -> None:
    """To the real stderr: while the app runs, Textual captures sys.stderr."""
    print(message, file=sys.__stderr__, flush=True)


# -- the terminal -------------------------------------------------------------------------------


class TerminalSink(HeadlessDriver):
    """A terminal that is not there: not headless, so Textual renders every update to ANSI text as
    for a real one, and the text is counted and dropped. The active `Tapper` looks at each frame
    written."""

    latest: TerminalSink | None = None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.frames = 0
        self.bytes = 0
        TerminalSink.latest = self

    @property
    def is_headless(self) -> bool:
        return False

    def write(self, data: str) -> None:
        self.bytes += len(data)

    def flush(self) -> None:
        self.frames += 1
        if Tapper.active is not None:
            Tapper.active.check_frame()


# -- the project --------------------------------------------------------------------------------


def build_project(project: Project, per_class: int) -> None:
    """`per_class` captures of each held object, cut out by the masker as the Capture step keeps
    them. The scene supplies person mask and hand landmarks: MediaPipe cannot see a rendered arm."""
    scenes = render_layouts()
    masker = ObjectMasker(MaskingConfig(run_hands=False))
    nobody = np.zeros((480, 640), dtype=bool)
    for seed in range(3):
        masker.preview(empty_frame(seed), person=nobody, hands=[])
    for name, scene in scenes.items():
        class_id = project.add_class(name).id
        kept = 0
        for shot in range(per_class * 2):
            frame = with_grain(scene.image, seed=7000 + shot)
            sample = kept_sample(
                masker.preview(frame, person=scene.person_mask, hands=[Hand(scene.landmarks)])
            )
            if sample is not None:
                project.add_sample(sample.image, class_id, "camera", mask=sample.mask)
                kept += 1
            if kept == per_class:
                break
        if kept < per_class:
            raise RuntimeError(f"the masker found the {name} in only {kept} of {per_class * 2} frames")
    masker.close()


# -- load: training and generation, on app worker threads ------------------------------------------


@dataclass
class Load:
    """Training or generation kept in flight on an app worker thread until `stop` is set."""

    stop: threading.Event = field(default_factory=threading.Event)
    finished: list[tuple[float, float]] = field(default_factory=list)
    """(start, end) of every finished run or job, perf_counter seconds."""
    started: threading.Event = field(default_factory=threading.Event)
    engines: set[str] = field(default_factory=set)

    def done_within(self, start: float, end: float) -> int:
        return sum(1 for _s, e in self.finished if start <= e <= end)


def keep_training(app: TeachBoothApp, session: KioskSession, load: Load) -> None:
    def progress(_progress: object) -> None:
        load.started.set()
        app.call_from_thread(lambda: None)  # the train step hands every report to the event loop

    while not load.stop.is_set():
        session.project.clear_features()
        began = time.perf_counter()
        TrainingRun(session.project, session.backbone).run(progress)
        load.finished.append((began, time.perf_counter()))


def keep_generating(app: TeachBoothApp, session: KioskSession, load: Load) -> None:
    expansion = session.keep(EXPANSION, lambda: Expansion(session.project, session.jobs))
    photos = session.project.samples(source=Source.CAMERA)
    for index in itertools.count():
        if load.stop.is_set():
            return
        began = time.perf_counter()
        job_id = expansion.send(Request(photos[index % len(photos)].id, Preset.NEW_COLOUR, 0.5, seed=index))
        load.engines.add(str(expansion.status(job_id).engine))
        load.started.set()
        status = expansion.follow(job_id, lambda _status: app.call_from_thread(lambda: None))
        if status.phase is not Phase.DONE:
            raise RuntimeError(f"generation job ended {status.phase}: {status.message}")
        expansion.reject(job_id)  # nobody reviews them; keeps the session's memory flat
        load.finished.append((began, time.perf_counter()))


# -- taps ---------------------------------------------------------------------------------------


class Tapper:
    """Taps class buttons from its own thread and times each to the frame that shows it answered,
    noting when the app dispatched the MouseDown (through Textual's test message hook) to split the
    latency in two: waiting for the event loop, and the answer (click, handler, layout, render)."""

    active: Tapper | None = None

    def __init__(
        self, app: TeachBoothApp, targets: dict[int, tuple[int, int]], every_s: float, timeout_s: float
    ):
        self.app = app
        self.targets = targets
        self.every_s = every_s
        self.timeout_s = timeout_s
        self.latencies_ms: list[float] = []
        self.input_wait_ms: list[float] = []
        """Tap to the app's dispatch of its MouseDown: input waiting behind other work on the loop."""
        self.unanswered = 0
        self.unanswered_dispatched = 0
        self._pending: tuple[int, float] | None = None
        self._dispatched: float | None = None
        self._answered = threading.Event()
        self._stop = threading.Event()
        self._rng = random.Random(5)
        self._thread: threading.Thread | None = None

    def check_frame(self) -> None:
        """On every flushed frame (event loop): does the tapped spot now show its class chosen?

        Read from the layout just rendered (`get_widget_at`), not by a DOM query."""
        pending = self._pending
        if pending is None:
            return
        class_id, posted = pending
        try:
            widget, _region = self.app.screen.get_widget_at(*self.targets[class_id])
        except NoWidget:
            return
        if widget.id == f"pick-{class_id}" and widget.has_class("-chosen"):
            self.latencies_ms.append((time.perf_counter() - posted) * 1000.0)
            if self._dispatched is not None:
                self.input_wait_ms.append((self._dispatched - posted) * 1000.0)
            self._pending = None
            self._answered.set()

    def check_message(self, message: object) -> None:
        """Every message as the app dispatches it (event loop): the first MouseDown after a tap."""
        if self._pending is not None and self._dispatched is None and isinstance(message, events.MouseDown):
            self._dispatched = time.perf_counter()

    def tap(self) -> None:
        """One tap on a class other than the chosen one, then wait for its answer on screen."""
        driver = TerminalSink.latest
        assert driver is not None
        current = getattr(self.app.screen, "class_id", None)
        class_id = self._rng.choice([c for c in sorted(self.targets) if c != current])
        x, y = self.targets[class_id]
        where = {"x": x, "y": y, "delta_x": 0, "delta_y": 0, "button": 1, "shift": False, "meta": False}
        where |= {"ctrl": False, "screen_x": x, "screen_y": y}
        self._answered.clear()
        self._dispatched = None
        self._pending = (class_id, time.perf_counter())
        driver.process_message(events.MouseDown(None, **where))
        driver.process_message(events.MouseUp(None, **where))
        if not self._answered.wait(self.timeout_s):
            self._pending = None
            self.unanswered += 1
            self.unanswered_dispatched += self._dispatched is not None

    def run(self) -> None:
        while not self._stop.wait(self.every_s * self._rng.uniform(0.5, 1.5)):
            self.tap()

    async def __aenter__(self) -> Tapper:
        Tapper.active = self
        self._thread = threading.Thread(target=self.run, name="touch-input", daemon=True)
        self._thread.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        """Wait for the last tap off the event loop: joining on it would block the very loop that
        must answer that tap (a first version did, and counted its own stall as a lost tap)."""
        self._stop.set()
        assert self._thread is not None
        await asyncio.to_thread(self._thread.join)
        Tapper.active = None


# -- measuring ----------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)


def helper_cpu(pids: list[int]) -> float:
    return sum(cpu_seconds(pid) or 0.0 for pid in pids)


async def wait_for(pilot, condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up after {timeout:.0f} s waiting for {what}")
        await pilot.pause(0.05)


async def measure(pilot, args, loads: dict[str, Load], helpers: list[int]) -> dict[str, object]:
    """One window of `args.seconds` on the Capture step: taps, previews, frames, CPU."""
    app = pilot.app
    screen = app.screen
    assert isinstance(screen, CaptureScreen)
    picker = {int(b.id.removeprefix("pick-")): b.region.center for b in screen.query("#class-picker Button")}
    tapper = Tapper(app, picker, args.tap_every, args.tap_timeout)
    driver = TerminalSink.latest
    assert driver is not None
    shown0, frames0, bytes0, helpers0 = screen.frames_shown, driver.frames, driver.bytes, helper_cpu(helpers)
    start = time.perf_counter()
    with CpuShare() as cpu:
        async with tapper:
            await pilot.pause(args.seconds)
    end = time.perf_counter()
    wall = end - start
    helpers_share = (helper_cpu(helpers) - helpers0) / (wall * (os.cpu_count() or 1))
    share = cpu.result
    latencies = tapper.latencies_ms
    return {
        "window_s": round(wall, 2),
        "taps": len(latencies) + tapper.unanswered,
        "tap_ms": {
            "p50": percentile(latencies, 0.5),
            "p95": percentile(latencies, 0.95),
            "max": percentile(latencies, 1.0),
            "input_wait_p50": percentile(tapper.input_wait_ms, 0.5),
            "input_wait_p95": percentile(tapper.input_wait_ms, 0.95),
            "unanswered": tapper.unanswered,
            "unanswered_but_dispatched": tapper.unanswered_dispatched,
        },
        "preview_fps": round((screen.frames_shown - shown0) / wall, 2),
        "terminal_frames_per_s": round((driver.frames - frames0) / wall, 2),
        "terminal_kb_per_s": round((driver.bytes - bytes0) / wall / 1024, 1),
        "finished_in_window": {name: load.done_within(start, end) for name, load in loads.items()},
        "cpu": {
            "this_process": share["own_share"],
            "worker_and_broker": round(helpers_share, 3) if helpers else None,
            "everything_else": None
            if share["other_share"] is None
            else round(max(0.0, share["other_share"] - helpers_share), 3),
        },
    }


async def drive(app: TeachBoothApp, session: KioskSession, args, helpers: list[int]) -> dict[str, object]:
    def hook(message: object) -> None:
        if Tapper.active is not None:
            Tapper.active.check_message(message)

    async with app.run_test(size=SIZE, headless=False, message_hook=hook) as pilot:
        app.goto_step("capture")
        log("waiting for the preview and the coach ...")
        await wait_for(pilot, lambda: isinstance(app.screen, CaptureScreen), 30, "the capture step")
        await wait_for(pilot, lambda: app.screen.frames_shown >= args.warmup_frames, 120, "the preview")
        await wait_for(
            pilot, lambda: all(w.is_finished for w in app.workers if w.name == "coach"), 120, "coach"
        )
        results: dict[str, object] = {}
        runs: dict[str, list[float]] = {}
        for condition, running in CONDITIONS.items():
            loads = {"training": Load(), "generation": Load()}
            for name in running:
                function = keep_training if name == "training" else keep_generating
                run_guarded(app, function, app, session, loads[name], name=name, group="bench-load")
            for name in running:
                await wait_for(pilot, loads[name].started.is_set, 120, f"{name} to start")
            log(f"{condition}: {args.seconds:g} s of taps and previews ...")
            results[condition] = measure_result = await measure(pilot, args, loads, helpers)
            measure_result["generation_engine"] = sorted(loads["generation"].engines) or None
            for load in loads.values():
                load.stop.set()
            for worker in [w for w in app.workers if w.group == "bench-load"]:
                await worker.wait()  # its current run or job ends; WorkerFailed if it crashed
            for name, load in loads.items():
                runs.setdefault(name, []).extend(e - s for s, e in load.finished)
            log(f"  {json.dumps({k: measure_result[k] for k in ('tap_ms', 'preview_fps')})}")
        results["durations"] = {name: percentile(values, 0.5) for name, values in runs.items()}
        return results


@contextlib.contextmanager
def generation_link(kind: str, workdir: Path) -> Iterator[tuple[str | None, list[int]]]:
    """(broker URL, pids of broker and worker) for `worker`; (None, []) for `local`."""
    if kind == "local":
        yield None, []
        return
    broker = Mosquitto(workdir=workdir / "broker", persistence=False)
    broker.workdir.mkdir()
    broker.start()
    worker = WorkerProcess(broker.url, "bench-w1", workdir / "worker.log")
    worker.start()
    try:
        yield broker.url, [broker.process.pid, worker.pid]  # type: ignore[union-attr, list-item]
    finally:
        worker.stop()
        broker.stop()


def wait_for_worker(session: KioskSession, timeout: float = 60.0) -> None:
    client = session.jobs
    if client is None or not client.wait_for_workers(timeout, backend="classic"):
        raise RuntimeError("the classic worker did not come online")


def ratios(results: dict[str, dict]) -> dict[str, dict[str, float | None]]:
    idle = results["idle"]
    out = {}
    for condition in list(CONDITIONS)[1:]:
        row = results[condition]
        p95, idle_p95 = row["tap_ms"]["p95"], idle["tap_ms"]["p95"]
        out[condition] = {
            "tap_p95": None if not (p95 and idle_p95) else round(p95 / idle_p95, 2),
            "preview_fps": None
            if not idle["preview_fps"]
            else round(row["preview_fps"] / idle["preview_fps"], 3),
        }
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="window per condition")
    parser.add_argument("--tap-every", type=float, default=0.4, help="mean seconds between taps")
    parser.add_argument(
        "--tap-timeout", type=float, default=5.0, help="a tap unanswered this long is counted"
    )
    parser.add_argument("--photos-per-class", type=int, default=30, help="captures of each of the 4 classes")
    parser.add_argument("--generation", choices=("worker", "local"), default="worker")
    parser.add_argument("--warmup-frames", type=int, default=30, help="previews before the first window")
    parser.add_argument("--quick", action="store_true", help="smoke run: 4 s windows, 6 photos per class")
    args = parser.parse_args(argv)
    git = git_state()
    if args.quick:
        args.seconds, args.photos_per_class, args.warmup_frames = 4.0, 6, 10

    with (
        tempfile.TemporaryDirectory(prefix="tui-bench-") as folder,
        Project.open(Path(folder) / "p") as project,
    ):
        log(f"building the project: {args.photos_per_class} captures of each of {len(LAYOUTS)} objects ...")
        build_project(project, args.photos_per_class)
        with generation_link(args.generation, Path(folder)) as (url, helpers):
            session = KioskSession(project, camera_spec=CAMERA, broker_url=url)
            try:
                if url is not None:
                    wait_for_worker(session)
                app = TeachBoothApp(session)
                app.driver_class = TerminalSink
                results = asyncio.run(drive(app, session, args, helpers))
            finally:
                session.close()

    durations = results.pop("durations")
    idle = results["idle"]
    report = {
        "bench": "tui_responsiveness",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": facts() | {"load_avg_1m_at_end": round(os.getloadavg()[0], 2)},
        "git": git,
        "settings": {
            "seconds": args.seconds,
            "tap_every_s": args.tap_every,
            "tap_timeout_s": args.tap_timeout,
            "photos": args.photos_per_class * len(LAYOUTS),
            "classes": sorted(LAYOUTS),
            "generation": args.generation,
            "camera": CAMERA,
            "size": list(SIZE),
        },
        "conditions": results,
        "median_training_run_s": durations.get("training"),
        "median_generation_job_s": durations.get("generation"),
        "ratio_to_idle": ratios(results),
        "targets": {"tap_p95_ms": TARGET_TAP_MS, "preview_fps": TARGET_FPS},
        "meets_tap_target": {c: (r["tap_ms"]["p95"] or 1e9) <= TARGET_TAP_MS for c, r in results.items()},
        "meets_fps_target": {c: r["preview_fps"] >= TARGET_FPS for c, r in results.items()},
        "idle_preview_fps": idle["preview_fps"],
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

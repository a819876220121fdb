"""The kiosk's live loop, stage by stage, on the replay camera at 640x480: one JSON object.

    python -m bench.live_loop [--frames 300] [--backbone fp32|int8] [--quick]

Rendered frames (testkit/scenes.py: the backdrop, coloured objects, an arm holding one) are
written to a temp folder and played by the replay camera (`replay:DIR?fps=0`: as fast as the loop
reads). The masker learns the empty backdrop first, as the kiosk does at start. Each frame then goes
through the four stages of "try it":

    capture   camera.read()
    masking   ObjectMasker.preview: background, MediaPipe selfie segmentation + hands, regions, crop
    features  Backbone.embed_one on the object's crop (EfficientNet-Lite0 TFLite)
    svm       LinearModel.predict_proba, trained here on features of rendered object crops

Reported: ms per stage (median, p90), end-to-end frames/s for the loop run sequentially and as a
two-thread pipeline (camera + masking | features + SVM, a one-frame hand-off), the masking stage's
own sub-stages, GrabCut's cost on captures and the masks' IoU against the rendered truth (preview
and capture, with the scene's person mask and landmarks since MediaPipe cannot see a rendered arm),
and the process's peak RSS (VmHWM). CPU taken by other processes during each timed window is
recorded: on a shared 2-core machine it decides the frames/s.

Targets (issue 3): >= 15 frames/s end to end; peak RSS < 600 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from PIL import Image

from bench.machine import busy_seconds, facts, git_state, peak_rss_mb, usable_cores
from kiosk.camera import open_camera
from kiosk.features.backbone import FP32_MODEL, INT8_MODEL, Backbone
from kiosk.learning.svm import train_linear_svm
from kiosk.masking import Hand, MaskingConfig, ObjectMasker
from testkit.scenes import (
    BLUE_BOX,
    GREEN_CUP,
    HOLDING_BALL,
    HOLDING_CUP,
    RED_BALL,
    YELLOW_BANANA,
    Arm,
    Scene,
    empty_frame,
    render_scene,
)

TARGET_FPS = 15.0
TARGET_RSS_MB = 600.0
GRAIN = 2.5

LAYOUTS: dict[str, tuple] = {
    "ball": ((RED_BALL,), HOLDING_BALL, 0),
    "cup": ((RED_BALL, GREEN_CUP), HOLDING_CUP, 1),
    "box": ((BLUE_BOX,), Arm(start=(430.0, 520.0), hand=(392.0, 322.0)), 0),
    "banana": ((YELLOW_BANANA,), Arm(start=(660.0, 330.0), hand=(556.0, 168.0)), 0),
}
"""Replay scenes: objects, the arm holding one, and which object is held (what the SVM learns, the
IoU is measured on); the cup is held beside a larger ball, so only the hand can pick it."""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class CpuShare:
    """Over a `with` block: the share of the machine's CPU this process used, and everything else
    (None without /proc/stat)."""

    def __enter__(self) -> CpuShare:
        self._start = (time.perf_counter(), time.process_time(), busy_seconds())
        return self

    def __exit__(self, *_exc: object) -> None:
        wall0, own0, busy0 = self._start
        wall, own, busy1 = time.perf_counter() - wall0, time.process_time() - own0, busy_seconds()
        capacity = wall * usable_cores()
        other = None if busy0 is None or busy1 is None else max(0.0, busy1 - busy0 - own)
        self.result = {
            "wall_s": round(wall, 2),
            "own_share": round(own / capacity, 3),
            "other_share": None if other is None else round(other / capacity, 3),
        }


def stats(values: list[float]) -> dict[str, float | int]:
    ordered = sorted(values)
    return {
        "median_ms": round(statistics.median(ordered), 2),
        "p90_ms": round(ordered[int(0.9 * (len(ordered) - 1))], 2),
        "n": len(ordered),
    }


def with_grain(image: np.ndarray, seed: int) -> np.ndarray:
    """Another camera frame of the same scene: fresh sensor grain on the clean render."""
    noise = np.random.default_rng(seed).normal(0.0, GRAIN, size=image.shape)
    return np.clip(image + noise, 0, 255).astype(np.uint8)


def render_layouts() -> dict[str, Scene]:
    log("rendering scenes ...")
    return {name: render_scene(objects, arm, grain=0.0) for name, (objects, arm, _) in LAYOUTS.items()}


def write_replay(folder: Path, scenes: dict[str, Scene], per_layout: int) -> list[str]:
    """`per_layout` grain-varied frames of each scene, interleaved in blocks of 5 like a visitor's
    hand moving between things; returns the label of each frame in play order."""
    labels = []
    index = 0
    for block in range(per_layout // 5):
        for name, scene in scenes.items():
            for shot in range(5):
                frame = with_grain(scene.image, seed=1000 * block + 10 * index + shot)
                Image.fromarray(frame).save(folder / f"frame{len(labels):04d}.png", compress_level=1)
                labels.append(name)
            index += 1
    return labels


def learn_background(masker: ObjectMasker, frames: int = 5) -> None:
    for seed in range(frames):
        masker.preview(empty_frame(seed))


def train_classifier(masker: ObjectMasker, backbone: Backbone, scenes: dict[str, Scene], per_class: int):
    """A LinearModel over backbone features of the masker's crops of each scene (grain-varied)."""
    features, labels = [], []
    for name, scene in scenes.items():
        for shot in range(per_class):
            result = masker.preview(with_grain(scene.image, seed=90_000 + shot))
            if result.found:
                features.append(backbone.embed_one(result.crop))
                labels.append(name)
    fit = train_linear_svm(np.stack(features), labels)
    return fit.model, fit.cv_accuracy


def mask_quality(scenes: dict[str, Scene], config: MaskingConfig) -> dict[str, dict]:
    """IoU of preview and capture masks against the rendered truth, and what each path costs.

    Person mask and landmarks come from the scene (MediaPipe cannot see a rendered arm), so this is
    the pipeline's own accuracy; the timed loop above runs the real models."""
    nobody = np.zeros((480, 640), dtype=bool)
    out: dict[str, dict] = {}
    for name, scene in scenes.items():
        masker = ObjectMasker(config.model_copy(update={"run_hands": False}))
        for seed in range(3):
            masker.preview(empty_frame(seed), person=nobody, hands=[])
        person, hands = scene.person_mask, [Hand(scene.landmarks)]
        truth = scene.object_masks[LAYOUTS[name][2]]
        row: dict[str, object] = {}
        for path, refine in (("preview", False), ("capture", True)):
            ious, times = [], []
            for shot in range(5):
                frame = with_grain(scene.image, 500 + shot)
                start = time.perf_counter()
                result = masker.process(frame, refine=refine, person=person, hands=hands)
                times.append((time.perf_counter() - start) * 1000.0)
                ious.append(
                    float((result.mask & truth).sum() / (result.mask | truth).sum()) if result.found else 0.0
                )
            row[path] = {"iou": round(min(ious), 4), "reason": result.reason, "ms": stats(times)["median_ms"]}
        out[name] = row
    return out


def sequential(camera, masker: ObjectMasker, backbone: Backbone, model, frames: int) -> dict[str, object]:
    stages: dict[str, list[float]] = defaultdict(list)
    substages: dict[str, list[float]] = defaultdict(list)
    outcomes: Counter[str] = Counter()
    found = 0
    with CpuShare() as cpu:
        start = time.perf_counter()
        for _ in range(frames):
            t0 = time.perf_counter()
            frame = camera.read()
            t1 = time.perf_counter()
            result = masker.preview(frame.image)
            t2 = time.perf_counter()
            stages["capture"].append((t1 - t0) * 1000.0)
            stages["masking"].append((t2 - t1) * 1000.0)
            for name, ms in result.timings_ms.items():
                substages[name].append(ms)
            outcomes[result.reason or result.outcome] += 1
            if not result.found:
                continue
            found += 1
            features = backbone.embed_one(result.crop)
            t3 = time.perf_counter()
            model.predict_proba(features[None])
            t4 = time.perf_counter()
            stages["features"].append((t3 - t2) * 1000.0)
            stages["svm"].append((t4 - t3) * 1000.0)
        wall = time.perf_counter() - start
    return {
        "fps": round(frames / wall, 2),
        "frames": frames,
        "frames_with_object": found,
        "outcomes": dict(outcomes),
        "stages": {name: stats(values) for name, values in stages.items()},
        "masking_substages": {name: stats(values) for name, values in substages.items()},
        "cpu": cpu.result,
    }


def pipelined(camera, masker: ObjectMasker, backbone: Backbone, model, frames: int) -> dict[str, object]:
    """Camera + masking on one thread, features + SVM on another; the hand-off holds one frame, so
    the preview never lags the camera by more than a frame (the kiosk shows the newest answer)."""
    handoff: queue.Queue = queue.Queue(maxsize=1)
    done = object()
    classified = [0]
    outcomes: Counter[str] = Counter()

    def classify() -> None:
        while (crop := handoff.get()) is not done:
            model.predict_proba(backbone.embed_one(crop)[None])
            classified[0] += 1

    worker = threading.Thread(target=classify, name="classify")
    with CpuShare() as cpu:
        start = time.perf_counter()
        worker.start()
        for _ in range(frames):
            result = masker.preview(camera.read().image)
            outcomes[result.reason or result.outcome] += 1
            if result.found:
                handoff.put(result.crop)
        handoff.put(done)
        worker.join()
        wall = time.perf_counter() - start
    return {
        "fps": round(frames / wall, 2),
        "frames": frames,
        "classified": classified[0],
        "outcomes": dict(outcomes),
        "cpu": cpu.result,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=300, help="timed frames per loop design")
    parser.add_argument("--warmup", type=int, default=20, help="untimed frames first")
    parser.add_argument("--per-layout", type=int, default=10, help="replay frames per scene (multiple of 5)")
    parser.add_argument("--train-per-class", type=int, default=6, help="crops per class to train the SVM")
    parser.add_argument("--backbone", choices=("fp32", "int8"), default="fp32")
    parser.add_argument("--threads", type=int, default=2, help="TFLite threads")
    parser.add_argument("--quick", action="store_true", help="smoke run: 40 frames, 5 per scene")
    args = parser.parse_args(argv)
    git = git_state()
    if args.quick:
        args.frames, args.warmup, args.per_layout, args.train_per_class = 40, 5, 5, 3
    if args.per_layout < 5 or args.per_layout % 5:
        parser.error("--per-layout must be a positive multiple of 5")

    config = MaskingConfig()
    scenes = render_layouts()
    backbone = Backbone(FP32_MODEL if args.backbone == "fp32" else INT8_MODEL, num_threads=args.threads)
    masker = ObjectMasker(config)
    learn_background(masker)
    log("training the SVM on rendered crops ...")
    model, cv_accuracy = train_classifier(masker, backbone, scenes, args.train_per_class)
    log("mask quality ...")
    quality = mask_quality(scenes, config)

    with tempfile.TemporaryDirectory(prefix="live-loop-") as folder:
        labels = write_replay(Path(folder), scenes, args.per_layout)
        results = {}
        for design, run in (("sequential", sequential), ("pipelined", pipelined)):
            with open_camera(f"replay:{folder}?fps=0") as camera:
                for _ in range(args.warmup):
                    masker.preview(camera.read().image)
                log(f"{design}: {args.frames} frames ...")
                results[design] = run(camera, masker, backbone, model, args.frames)
    masker.close()

    seq_fps, pipe_fps = results["sequential"]["fps"], results["pipelined"]["fps"]
    rss = peak_rss_mb()
    report = {
        "bench": "live_loop",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": facts() | {"load_avg_1m_at_end": round(os.getloadavg()[0], 2)},
        "git": git,
        "settings": {
            "frames": args.frames,
            "warmup": args.warmup,
            "replay_frames": len(labels),
            "frame_size": [640, 480],
            "backbone": backbone.path.name,
            "tflite_threads": args.threads,
            "masking": config.model_dump(),
            "svm_classes": sorted(LAYOUTS),
            "svm_cv_accuracy": cv_accuracy,
        },
        "sequential": results["sequential"],
        "pipelined": results["pipelined"],
        "pipelined_speedup": round(pipe_fps / seq_fps, 3),
        "mask_quality": quality,
        "peak_rss_mb": round(rss, 1),
        "meets_fps_target": max(seq_fps, pipe_fps) >= TARGET_FPS,
        "meets_rss_target": rss < TARGET_RSS_MB,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

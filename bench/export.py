"""Dataset export: samples/s and peak memory against project size, and what checking every image costs.

    python -m bench.export [--sizes 100,1000] [--image 640x480] [--repeats 3] [--quick]

For each size, a project of that many camera samples (rendered: a gradient backdrop and a disc,
half of them with a mask) is built once in a work folder. Then, alternating, each run in a fresh
subprocess so its memory figure is its own:
- export: `kiosk.export.export_dataset` (every image and mask decoded before it goes in, the CSV
  spooled, the zip written atomically and fsynced),
- baseline: the same image and mask files copied into a stored zip by `zipfile`, unchecked.
Both children import the same modules first. Reported per size: median seconds, samples/s, the
ratio export / baseline (what the checks, the CSV and the fsync cost) and the child's peak RSS
(VmHWM). A streamed export keeps its peak RSS flat as the project grows.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from bench.machine import facts, git_state, peak_rss_mb
from kiosk.export import export_dataset
from kiosk.store import NewSample, Project


def render(seed: int, size: tuple[int, int]) -> tuple[Image.Image, Image.Image]:
    """A smooth camera-like frame (compresses like a photo, not like noise) and its object mask."""
    rng = np.random.default_rng(seed)
    width, height = size
    ramp = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :, None]
    low, high = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
    pixels = low + (high - low) * ramp + rng.normal(0, 4, (height, width, 3))
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    mask = Image.new("L", size, 0)
    cx, cy, r = width // 2 + int(rng.integers(-50, 50)), height // 2, height // 4
    ImageDraw.Draw(image).ellipse(
        (cx - r, cy - r, cx + r, cy + r), fill=tuple(int(v) for v in rng.integers(0, 256, 3))
    )
    ImageDraw.Draw(mask).ellipse((cx - r, cy - r, cx + r, cy + r), fill=255)
    return image, mask


def build_project(root: Path, count: int, size: tuple[int, int]) -> None:
    with Project.open(root) as project:
        classes = [project.add_class(label) for label in ("apple", "pear", "../../etc")]
        batch = []
        for index in range(count):
            image, mask = render(index, size)
            batch.append(NewSample(image, classes[index % 3], "camera", mask if index % 2 == 0 else None))
            if len(batch) == 50:
                project.add_samples(batch)
                batch = []
        project.add_samples(batch)


def child(mode: str, project: Path, out: Path) -> None:
    """One timed export in this (fresh) process; prints its seconds and peak RSS."""
    start = time.perf_counter()
    if mode == "export":
        exported = export_dataset(project, out).exported
    else:
        exported = 0
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
            for path in sorted((project / "images").iterdir()) + sorted((project / "masks").iterdir()):
                archive.write(path, f"data/{path.parent.name}/{path.name}")
                exported += path.parent.name == "images"
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "samples": exported, "peak_rss_mb": peak_rss_mb()}))


def run_child(mode: str, project: Path, out: Path) -> dict:
    out.unlink(missing_ok=True)
    command = [sys.executable, __file__, "--child", mode, str(project), str(out)]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def measure(project: Path, work: Path, repeats: int) -> dict:
    runs: dict[str, list[dict]] = {"export": [], "baseline": []}
    for _ in range(repeats):
        for mode in runs:
            runs[mode].append(run_child(mode, project, work / f"{mode}.zip"))
    out: dict[str, object] = {}
    for mode, results in runs.items():
        seconds = statistics.median(r["seconds"] for r in results)
        out[mode] = {
            "median_s": round(seconds, 3),
            "samples_per_s": round(results[0]["samples"] / seconds, 1),
            "peak_rss_mb": round(max(r["peak_rss_mb"] for r in results), 1),
            "zip_mb": round((work / f"{mode}.zip").stat().st_size / 1e6, 1),
        }
    out["export_over_baseline"] = round(out["export"]["median_s"] / out["baseline"]["median_s"], 2)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000", help="samples per project, comma-separated")
    parser.add_argument("--image", default="640x480", help="WxH of every sample")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each kind per size")
    parser.add_argument("--workdir", type=Path, help="keep the projects here (default: a temp folder)")
    parser.add_argument("--quick", action="store_true", help="sizes 20,60 and one repeat: a smoke run")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "PROJECT", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    sizes = [20, 60] if args.quick else [int(v) for v in args.sizes.split(",")]
    repeats = 1 if args.quick else args.repeats
    width, height = (int(v) for v in args.image.lower().split("x"))
    results: dict[str, object] = {
        "benchmark": "export",
        "image": f"{width}x{height}",
        "repeats": repeats,
        "machine": facts(),
        "git": git_state(),
        "sizes": {},
    }
    with tempfile.TemporaryDirectory(prefix="bench-export-") as temp:
        work = args.workdir or Path(temp)
        for count in sizes:
            project = work / f"project-{count}"
            if not project.exists():
                print(f"building a project of {count} samples in {project}", file=sys.stderr)
                build_project(project, count, (width, height))
            print(f"exporting {count} samples, {repeats} x 2 runs", file=sys.stderr)
            results["sizes"][str(count)] = measure(project, work, repeats)
    peaks = [entry["export"]["peak_rss_mb"] for entry in results["sizes"].values()]
    results["export_peak_rss_growth_mb"] = round(peaks[-1] - peaks[0], 1)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

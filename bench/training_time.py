"""Training time against dataset size: the kiosk's SVM trained and cross-validated on cached features.

    python -m bench.training_time [--sizes 100,1000,10000] [--workers 1,2] [--sources 400] [--quick]

Features are cached in the kiosk, so this times `train_linear_svm` alone (C search, held-out
margins, calibration, final fit) on two kinds of 1280-d features:

- real: EfficientNet-Lite0 features of `--sources` rendered images (10 classes: 5 shapes x 2
  colours, red and orange, on random backdrops), each repeated with Gaussian noise to reach the size
  (`--noise`, 0.5 x the features' per-dimension spread); copies of one image share a group, as a generated
  image shares its photo's, so no fold is scored on an image it trained on a copy of;
- random: standard normal vectors with random labels (no structure: the slowest case for the
  solver, and a flat spectrum, the worst case for the 256-direction projection).

Each size is timed for every `--workers` count. Up to `--baseline-max` rows the plain procedure the
trainer replaced (scikit-learn LinearSVC on all 1,280 dimensions, 4 C values x 5 folds + final fit,
sequential) runs on the same rows, for the speed-up and the held-out accuracy beside it.
Target (issue 3): 10,000 samples trained and cross-validated in < 30 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import itertools
import json
import math
import os
import sys
import time
import warnings

import numpy as np

from bench.machine import facts, git_state
from kiosk.features.backbone import Backbone
from kiosk.learning.linear_model import unit_rows
from kiosk.learning.svm import C_GRID, train_linear_svm
from testkit.shapes import SHAPES, render_shape

COLOURS = ((200, 40, 40), (200, 110, 40))
"""Red and orange: close enough that shape must decide, so the held-out accuracy can fall below 1."""
TARGET_ROWS, TARGET_S = 10_000, 30.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def real_features(sources: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    backbone = Backbone(num_threads=2)
    rng = np.random.default_rng(seed)
    classes = [(shape, colour) for colour in COLOURS for shape in SHAPES]
    labels = np.array([i % len(classes) for i in range(sources)])
    images = [render_shape(*classes[k], rng, size=96) for k in labels]
    return backbone.embed(images), labels


def grow(features: np.ndarray, labels: np.ndarray, n: int, noise: float, rng: np.random.Generator):
    """n rows: every source once, then noisy copies in the source's group."""
    source = np.concatenate(
        [np.arange(min(n, len(labels))), rng.integers(0, len(labels), max(0, n - len(labels)))]
    )
    spread = float(features.std(axis=0).mean())
    x = features[source].copy()
    x[len(labels) :] += rng.normal(0.0, noise * spread, size=x[len(labels) :].shape).astype(np.float32)
    return x, [str(k) for k in labels[source]], source


def random_features(n: int, classes: int, rng: np.random.Generator):
    return rng.normal(size=(n, 1280)).astype(np.float32), [str(k) for k in rng.integers(0, classes, n)], None


def plain_grid_search(x: np.ndarray, labels: list[str], groups, seed: int) -> dict:
    """The procedure before the speed-up: LinearSVC on every dimension, 4 C x 5 folds + final fit."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import StratifiedGroupKFold
    from sklearn.svm import LinearSVC

    x = unit_rows(x)
    y = np.array(labels)
    groups = np.arange(len(y)) if groups is None else groups
    start = time.perf_counter()
    scores = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        splits = list(StratifiedGroupKFold(5, shuffle=True, random_state=seed).split(x, y, groups))
        for c in C_GRID:
            right = 0
            for train, test in splits:
                svc = LinearSVC(C=c, class_weight="balanced", dual="auto", max_iter=10_000, random_state=seed)
                right += int((svc.fit(x[train], y[train]).predict(x[test]) == y[test]).sum())
            scores[c] = right / len(y)
        best = max(sorted(scores), key=lambda c: scores[c])
        LinearSVC(C=best, class_weight="balanced", dual="auto", max_iter=10_000, random_state=seed).fit(x, y)
    return {
        "seconds": round(time.perf_counter() - start, 3),
        "c": best,
        "cv_accuracy": round(scores[best], 4),
    }


def timed_fit(x: np.ndarray, labels: list[str], groups, workers: int, seed: int) -> dict:
    start = time.perf_counter()
    fit = train_linear_svm(x, labels, groups=groups, workers=workers, seed=seed)
    return {
        "seconds": round(time.perf_counter() - start, 3),
        "c": fit.c,
        "folds": fit.folds,
        "search_rows": fit.search_rows,
        "cv_accuracy": None if fit.cv_accuracy is None else round(fit.cv_accuracy, 4),
        "components": fit.components,
        "energy_kept": round(fit.energy, 4),
    }


def growth(points: dict[int, float]) -> dict[str, float]:
    """Exponent k of time ~ n^k between consecutive sizes (1: linear)."""
    sizes = sorted(points)
    return {
        f"{a}->{b}": round(math.log(points[b] / points[a]) / math.log(b / a), 2)
        for a, b in itertools.pairwise(sizes)
        if points[a] > 0
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="comma-separated row counts")
    parser.add_argument("--workers", default="1,2", help="comma-separated thread counts to time")
    parser.add_argument("--sources", type=int, default=400, help="rendered images behind the real features")
    parser.add_argument(
        "--baseline-max", type=int, default=1000, help="largest size the plain search runs on"
    )
    parser.add_argument(
        "--noise", type=float, default=0.5, help="noise of the copies, x the features' spread"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: sizes 100,1000, 60 sources, 1 worker"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.workers, args.sources, args.baseline_max = "100,1000", "1", 60, 100
    sizes = [int(v) for v in args.sizes.split(",")]
    workers = [int(v) for v in args.workers.split(",")]

    git = git_state()
    load_before = os.getloadavg()
    log(f"embedding {args.sources} rendered images ...")
    start = time.perf_counter()
    features, labels = real_features(args.sources, args.seed)
    embed_s = time.perf_counter() - start
    results: dict[str, object] = {
        "benchmark": "training_time",
        "settings": {
            "sizes": sizes,
            "workers": workers,
            "sources": args.sources,
            "classes": 10,
            "noise": args.noise,
            "c_grid": list(C_GRID),
            "baseline_max": args.baseline_max,
            "seed": args.seed,
        },
        "machine": facts()
        | {
            "numpy": importlib.metadata.version("numpy"),
            "scikit_learn": importlib.metadata.version("scikit-learn"),
        },
        "git": git,
        "embed_seconds_per_image": round(embed_s / args.sources, 4),
    }
    rng = np.random.default_rng(args.seed)
    # Warm-up: scikit-learn's import (~2 s) and first-call costs are not training time.
    train_linear_svm(features[:20], [str(k) for k in labels[:20]])
    for kind in ("real", "random"):
        rows = {}
        for n in sizes:
            x, y, groups = (
                grow(features, labels, n, args.noise, rng) if kind == "real" else random_features(n, 10, rng)
            )
            entry: dict[str, object] = {}
            for count in workers:
                log(f"{kind} {n} rows, {count} worker(s) ...")
                entry[f"workers_{count}"] = timed_fit(x, y, groups, count, args.seed)
            if n <= args.baseline_max:
                log(f"{kind} {n} rows, plain grid search ...")
                entry["plain_grid_search"] = plain_grid_search(x, y, groups, args.seed)
                fastest = min(entry[f"workers_{count}"]["seconds"] for count in workers)
                entry["speedup_vs_plain"] = round(entry["plain_grid_search"]["seconds"] / fastest, 2)
            rows[str(n)] = entry
        results[kind] = rows
        for count in workers:
            results[kind][f"growth_exponent_workers_{count}"] = growth(
                {n: rows[str(n)][f"workers_{count}"]["seconds"] for n in sizes}
            )
    if TARGET_ROWS in sizes:
        best = {
            kind: min(results[kind][str(TARGET_ROWS)][f"workers_{count}"]["seconds"] for count in workers)
            for kind in ("real", "random")
        }
        results["target"] = {
            "rows": TARGET_ROWS,
            "seconds": TARGET_S,
            "best_seconds": best,
            "met": all(v < TARGET_S for v in best.values()),
        }
    results["load_average_before_after"] = [round(load_before[0], 2), round(os.getloadavg()[0], 2)]
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

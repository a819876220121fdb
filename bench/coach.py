"""What the coach costs after a capture: building its state, then running its rules.

Workload: rendered fruit (testkit/colour_scenes.py: 128x128 pictures with masks, red apples,
green pears, purple plums, so the colour rule has something to find), `--per-class` pictures per
class. For each size, median of `--repeats` runs of:
- `histograms`: colour and background histograms of every picture (the builder's per-picture part);
- `state_with_fit`: `build_state` given the kiosk's already trained `SvmFit` (the normal kiosk
  case: histograms + two cue probes, each a run of the kiosk's trainer on 75-number rows);
- `state_from_features`: `build_state` that also cross-validates the backbone features itself;
- `train_on_features`: `train_linear_svm` on the features alone, the training the kiosk does anyway
  (the baseline the state's cost is compared with);
- `suggest`: all rules over the finished state.
`backbone_ms_per_picture` (EfficientNet-Lite0 fp32, 2 threads) is what each capture already costs.

    .venv/bin/python -m bench.coach [--per-class 10,30,100] [--repeats 3] [--quick]

Prints one JSON object; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable

from bench.machine import facts, git_state
from kiosk.coach import build_state, suggest
from kiosk.coach.config import CoachConfig
from kiosk.coach.histograms import object_and_background
from kiosk.features.backbone import Backbone
from kiosk.learning.svm import train_linear_svm
from testkit.colour_scenes import GREEN, RED, Scene, render_classes

PURPLE = (0.75, 0.8)
SCENES = {"apple": Scene("apple", RED), "pear": Scene("pear", GREEN), "plum": Scene("apple", PURPLE)}


def median_seconds(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-class", default="10,30,100", help="pictures per class, comma-separated sizes")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per measurement (median kept)")
    parser.add_argument("--quick", action="store_true", help="smoke run: 10 per class, one repeat")
    args = parser.parse_args()
    git = git_state()
    sizes = [10] if args.quick else [int(value) for value in args.per_class.split(",")]
    repeats = 1 if args.quick else args.repeats

    classes = tuple(SCENES)
    images, masks, labels = render_classes(SCENES, max(sizes), seed=0)
    backbone = Backbone(num_threads=2)
    print(f"embedding {len(images)} pictures", file=sys.stderr)
    start = time.perf_counter()
    features = backbone.embed(images)
    backbone_ms = (time.perf_counter() - start) * 1000 / len(images)
    config = CoachConfig()
    train_linear_svm(features[:12], labels[:12])  # loads scikit-learn outside the timings

    rows = []
    for per_class in sizes:
        n = per_class * len(classes)  # render_classes interleaves classes, so a prefix stays balanced
        part = dict(images=images[:n], labels=labels[:n], masks=masks[:n])
        print(f"{per_class} per class ({n} pictures)", file=sys.stderr)
        fit = train_linear_svm(features[:n], labels[:n])
        state = build_state(classes, **part, fit=fit, samples_since_training=0)
        timings = {
            "histograms": median_seconds(
                lambda p=part: [
                    object_and_background(i, m, config.probe.max_pixels)
                    for i, m in zip(p["images"], p["masks"], strict=True)
                ],
                repeats,
            ),
            "state_with_fit": median_seconds(lambda p=part, f=fit: build_state(classes, **p, fit=f), repeats),
            "state_from_features": median_seconds(
                lambda p=part, n=n: build_state(classes, **p, features=features[:n]), repeats
            ),
            "train_on_features": median_seconds(
                lambda n=n: train_linear_svm(features[:n], labels[:n]), repeats
            ),
            "suggest": median_seconds(lambda s=state: suggest(s), max(repeats, 100)),
        }
        rows.append(
            {
                "per_class": per_class,
                "pictures": n,
                "ms": {key: round(value * 1000, 3) for key, value in timings.items()},
                "histogram_ms_per_picture": round(timings["histograms"] * 1000 / n, 3),
                "state_with_fit_vs_training": round(
                    timings["state_with_fit"] / timings["train_on_features"], 2
                ),
                "state_with_fit_vs_one_embedding": round(timings["state_with_fit"] * 1000 / backbone_ms, 1),
                "suggestions": [s.rule for s in suggest(state)],
            }
        )

    print(
        json.dumps(
            {
                "bench": "coach",
                "settings": {
                    "classes": list(classes),
                    "per_class": sizes,
                    "repeats": repeats,
                    "picture": "128x128",
                },
                "machine": facts(),
                "git": git,
                "backbone_ms_per_picture": round(backbone_ms, 2),
                "sizes": rows,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()

"""Concept-gap benchmark: red apples vs green pears, tested on green apples and red pears; one JSON object.

    python -m bench.concept_gap [--train 40] [--test 40] [--variations 4] [--change 0.6]
                                [--backbone fp32|int8] [--quick]

The trap from the research behind TeachBooth (docs/architecture.md#research): a visitor owns red apples and
green pears, so the easiest rule that fits their photos is "red = apple", and it fails on a green
apple. The script renders the situation (tools/render_sample.py: apple or pear outline, skin
colours jittered, size, position, light direction, backdrop and leaf varied, every picture from
its own seed), embeds every picture with the real backbone and trains the kiosk's linear SVM:

1. before: trained on the real red apples and green pears only;
2. the `classic` engine's `new_colour` preset makes `--variations` recoloured copies of every real
   photo (with its exact mask, so only the fruit changes colour); the quality gate judges them
   against the real photos;
3. after: trained on the real photos plus the variations that passed the gate (grouped with their
   source photo, weight `--generated-weight`); also reported without the gate, for comparison.

Every classifier is scored on the shifted test set (green apples, red pears: never used to choose
anything) and on an in-distribution validation set drawn like the training photos. The settings
(change 0.6, i.e. a hue turn of 72 to 108 degrees either way; 4 variations; weight 1; the gate's
default thresholds) were fixed before the first run and not tuned on the test set. The
real-only / generated-only / mixed comparison (kiosk/learning/comparison.py) runs on the training
photos and the gated variations, scored on real photos only, as the kiosk does it.

`--backbone int8` runs the same with the committed int8 model instead of fp32: two runs give the
int8 model's accuracy loss on the shifted test and the validation set.

Targets (issue 3): >= 90 % on the shifted test after the variations; the int8 backbone loses at
most 1 point against fp32.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter

import numpy as np
from PIL import Image

from bench.machine import facts, git_state
from kiosk.features.backbone import FP32_MODEL, INT8_MODEL, Backbone
from kiosk.learning.comparison import compare_training_sets
from kiosk.learning.evaluate import evaluate_predictions
from kiosk.learning.gate import gate_generated
from kiosk.learning.svm import train_linear_svm
from shared.presets import Preset
from shared.variations import ClassicEngine
from tools.render_sample import GREEN_SKIN, RED_SKIN, Scene, Skin, apple, pear, render_scene

SIZE = 224
"""Rendered straight at the model's input size: preprocessing passes the pixels through unchanged."""
TARGET = 0.90
PAPERS = (  # (top, bottom) of the backdrop sweep: warm paper, cool blue-grey, light grey, beige, slate
    ((238.0, 234.0, 226.0), (214.0, 206.0, 194.0)),
    ((206.0, 220.0, 232.0), (160.0, 176.0, 192.0)),
    ((228.0, 228.0, 228.0), (188.0, 188.0, 188.0)),
    ((236.0, 222.0, 196.0), (196.0, 178.0, 150.0)),
    ((150.0, 156.0, 164.0), (96.0, 102.0, 110.0)),
)
SEED_BASE = {"train": 1_000, "validation": 2_000, "test": 3_000}


def _jittered(skin: Skin, rng: np.random.Generator) -> Skin:
    """The same kind of skin, a little lighter or darker and warmer or cooler: no two fruit alike."""
    gain = rng.uniform(0.85, 1.12)
    tint = rng.uniform(0.92, 1.08, size=3)

    def shift(colour: tuple[float, float, float]) -> tuple[float, float, float]:
        r, g, b = np.clip(np.array(colour) * gain * tint, 0, 255)
        return float(r), float(g), float(b)

    return Skin(deep=shift(skin.deep), bright=shift(skin.bright), yellowish=shift(skin.yellowish))


def fruit_scene(kind: str, skin: Skin, seed: int) -> Scene:
    """A random photo of one fruit: size, place, light, backdrop and leaf all drawn from `seed`."""
    rng = np.random.default_rng(seed)
    radius = rng.uniform(42, 66)
    cx, cy = rng.uniform(SIZE * 0.38, SIZE * 0.62), rng.uniform(SIZE * 0.45, SIZE * 0.6)
    light = (float(rng.uniform(-0.7, 0.7)), float(rng.uniform(-0.8, -0.3)), 0.66)
    top, bottom = PAPERS[int(rng.integers(len(PAPERS)))]
    outline = apple if kind == "apple" else pear
    return Scene(
        width=SIZE,
        height=SIZE,
        fruit=outline(cx, cy, radius),
        skin=_jittered(skin, rng),
        light=light,
        paper_top=top,
        paper_bottom=bottom,
        leaf=bool(rng.random() < 0.5),
        seed=seed,
    )


def render_set(
    name: str, groups: list[tuple[str, Skin]], count: int
) -> list[tuple[str, Image.Image, Image.Image]]:
    """(label, image, mask) for `count` pictures of each (label, skin) in `groups`."""
    pictures = []
    for index, (label, skin) in enumerate(groups):
        for k in range(count):
            seed = SEED_BASE[name] + 100 * index + k
            image, mask = render_scene(fruit_scene(label, skin, seed))
            pictures.append((label, image, mask))
    return pictures


def score(model, features: np.ndarray, labels: list[str]) -> dict:
    evaluation = evaluate_predictions(labels, model.predict_proba(features), model.labels)
    return {"accuracy": evaluation.accuracy, "per_class": evaluation.per_class}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=int, default=40, help="real training photos per class")
    parser.add_argument("--test", type=int, default=40, help="shifted test photos per class")
    parser.add_argument("--validation", type=int, default=20, help="in-distribution photos per class")
    parser.add_argument("--variations", type=int, default=4, help="new_colour variations per real photo")
    parser.add_argument("--change", type=float, default=0.6, help="strength of the new_colour preset")
    parser.add_argument("--generated-weight", type=float, default=1.0, help="loss weight of generated rows")
    parser.add_argument("--backbone", choices=("fp32", "int8"), default="fp32", help="committed model")
    parser.add_argument("--quick", action="store_true", help="smoke run: 8 photos per class, 2 variations")
    args = parser.parse_args(argv)
    git = git_state()
    if args.quick:
        args.train, args.test, args.validation, args.variations = 8, 8, 4, 2
    started = time.perf_counter()
    log = lambda message: print(f"[{time.perf_counter() - started:6.1f}s] {message}", file=sys.stderr)  # noqa: E731

    backbone = Backbone(FP32_MODEL if args.backbone == "fp32" else INT8_MODEL)
    real = render_set("train", [("apple", RED_SKIN), ("pear", GREEN_SKIN)], args.train)
    validation = render_set("validation", [("apple", RED_SKIN), ("pear", GREEN_SKIN)], args.validation)
    test = render_set("test", [("apple", GREEN_SKIN), ("pear", RED_SKIN)], args.test)
    log(f"rendered {len(real)} training, {len(validation)} validation and {len(test)} test photos")

    def embed(pictures):
        return backbone.embed([image for _, image, _ in pictures]), [label for label, _, _ in pictures]

    real_x, real_y = embed(real)
    val_x, val_y = embed(validation)
    test_x, test_y = embed(test)
    log("embedded the real photos")

    engine = ClassicEngine()
    generated, sources = [], []
    for source, (label, image, mask) in enumerate(real):
        for variation in engine.variations(
            image, mask, Preset.NEW_COLOUR, args.change, source, args.variations
        ):
            generated.append((label, variation.image, variation.mask))
            sources.append(source)
    gen_x, gen_y = embed(generated)
    log(f"made and embedded {len(generated)} new_colour variations")

    verdicts = gate_generated(real_x, real_y, gen_x, gen_y)
    passed = np.array([v.passed for v in verdicts])
    reasons = Counter(
        "passed"
        if v.passed
        else ("closer to another class" if v.reason.startswith("Looks more") else "too far")
        for v in verdicts
    )

    def fit(extra: np.ndarray):
        x = np.vstack([real_x, gen_x[extra]])
        y = real_y + [gen_y[i] for i in np.flatnonzero(extra)]
        groups = list(range(len(real))) + [sources[i] for i in np.flatnonzero(extra)]
        weights = np.concatenate([np.ones(len(real)), np.full(int(extra.sum()), args.generated_weight)])
        scored = np.concatenate([np.ones(len(real), dtype=bool), np.zeros(int(extra.sum()), dtype=bool)])
        return train_linear_svm(x, y, weights=weights, groups=groups, scored=scored).model

    arms = {
        "before": fit(np.zeros(len(generated), dtype=bool)),
        "after_gated": fit(passed),
        "after_ungated": fit(np.ones(len(generated), dtype=bool)),
    }
    results = {
        name: {"shifted_test": score(model, test_x, test_y), "validation": score(model, val_x, val_y)}
        for name, model in arms.items()
    }
    log("trained and scored before / after")

    is_generated = [False] * len(real) + [True] * int(passed.sum())
    comparison = compare_training_sets(
        np.vstack([real_x, gen_x[passed]]),
        real_y + [gen_y[i] for i in np.flatnonzero(passed)],
        is_generated,
        list(range(len(real))) + [sources[i] for i in np.flatnonzero(passed)],
        generated_weight=args.generated_weight,
    )
    log("ran the real-only / generated-only / mixed comparison")

    after = results["after_gated"]["shifted_test"]["accuracy"]
    by_class = {
        label: {
            "passed": int(sum(p for p, g in zip(passed, gen_y, strict=True) if g == label)),
            "failed": int(sum(not p for p, g in zip(passed, gen_y, strict=True) if g == label)),
        }
        for label in sorted(set(gen_y))
    }
    report = {
        "benchmark": "concept_gap",
        "settings": {
            "train_per_class": args.train,
            "test_per_class": args.test,
            "validation_per_class": args.validation,
            "variations_per_photo": args.variations,
            "change": args.change,
            "generated_weight": args.generated_weight,
            "image_size": SIZE,
            "quick": args.quick,
        },
        "machine": facts(),
        "git": git,
        "backbone": {"choice": args.backbone, "model": backbone.path.name, "sha256": backbone.backbone_id},
        "gate": {
            "generated": len(generated),
            "passed": int(passed.sum()),
            "failed": int((~passed).sum()),
            "by_class": by_class,
            "outcomes": dict(reasons),
        },
        "accuracy": results,
        "comparison": {
            arm: {
                "accuracy": result["accuracy"],
                "trained_real": result["trained_real"],
                "trained_generated": result["trained_generated"],
                "skipped": result["skipped"],
            }
            for arm, result in comparison.as_json().items()
            if isinstance(result, dict)
        }
        | {"folds": comparison.folds, "mixed_gain": comparison.mixed_gain},
        "shifted_before": results["before"]["shifted_test"]["accuracy"],
        "shifted_after": after,
        "validation_after": results["after_gated"]["validation"]["accuracy"],
        "target": TARGET,
        "meets_target": after >= TARGET,
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

"""Open-set answers: false accepts on out-of-distribution probes, the accuracy the rule costs, and its
milliseconds per prediction; one JSON object.

    python -m bench.open_set [--train 10,30] [--test 60] [--seeds 3] [--photos DIR] [--quick]

The rule (kiosk/learning/open_set.py) is calibrated as the kiosk calibrates it: every model is
trained by `kiosk.learning.trainer.fit_rows` with the default TrainingConfig (augmentation
"auto", so the flip and shift views are embedded too), on real backbone features. Two tasks:

- shapes (testkit/shapes.py): apple (red disc), leaf (green square), sky (blue bar)
  on light noisy backdrops. Probes: the empty backdrop, two-colour gradients, uniform and
  Gaussian noise, unseen objects (triangles and rings in yellow and purple), and, reported apart,
  a known shape in an unseen colour (is a yellow disc an apple? the rule may go either way).
- scenes (testkit/scenes.py): a red ball or a blue box on the kiosk's backdrop, cropped
  around the object's mask as the masker's capture crops it (square box, 15 % margin). Probes:
  crops of the empty backdrop, of a bare arm, and of unseen objects (a green cup, a yellow banana).

Both tasks are also probed with real photos: the whole photo and three random square crops of
each photo shipped by installed packages (scikit-learn's china and flower; matplotlib's Grace
Hopper; scikit-image's data photos when scikit-image is importable) and of every image in
`--photos DIR`.

Per task and training size, over `--seeds` draws of the data: in-distribution accuracy of the
plain argmax and with the rule (a rejected image counts as wrong: that is the cost), the share
rejected by reason, and per probe group the false-accept rate with the rule (the plain model
accepts every probe; its share above 80 % confidence is given for contrast). Timing: the
classifier alone and classifier + rule for one feature row (median of many runs), beside one
backbone run, on a model of the largest training size.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path

import numpy as np
from PIL import Image

from bench.machine import facts, git_state
from kiosk.features.backbone import Backbone
from kiosk.learning.config import TrainingConfig
from kiosk.learning.open_set import MAX_REFERENCE, OpenSetRule
from kiosk.learning.trainer import TrainingRows, fit_rows
from kiosk.learning.views import VIEWS, view_image
from kiosk.masking.crop import square_box, tight_box
from testkit.scenes import HOLDING_CUP, Blob, render_scene
from testkit.shapes import CLASSES, render, render_shape

Draw = Callable[[np.random.Generator], Image.Image]
CROP_MARGIN = 0.15
"""The masker's default crop margin (kiosk/masking/config.py)."""
CONFIDENT = 0.8
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff"}
SKIMAGE_PHOTOS = (
    "astronaut.png",
    "coffee.png",
    "chelsea.png",
    "rocket.jpg",
    "motorcycle_left.png",
    "hubble_deep_field.jpg",
    "immunohistochemistry.png",
    "ihc.png",
    "camera.png",
    "brick.png",
    "grass.png",
    "gravel.png",
    "coins.png",
    "moon.png",
    "color.png",
)


# -- shapes -------------------------------------------------------------------------------------------


def _light_backdrop(rng: np.random.Generator, size: int = 64) -> Image.Image:
    colour = rng.integers(150, 230, 3)
    grain = rng.integers(-10, 11, (size, size, 3))
    return Image.fromarray(np.clip(colour + grain, 0, 255).astype(np.uint8))


def _gradient(rng: np.random.Generator, size: int = 64) -> Image.Image:
    a, b = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
    angle = rng.uniform(0, np.pi)
    y, x = np.mgrid[0:size, 0:size] / (size - 1)
    t = np.clip((np.cos(angle) * x + np.sin(angle) * y) / (abs(np.cos(angle)) + abs(np.sin(angle))), 0, 1)
    return Image.fromarray((a + (b - a) * t[..., None]).astype(np.uint8))


def _uniform_noise(rng: np.random.Generator, size: int = 64) -> Image.Image:
    return Image.fromarray(rng.integers(0, 256, (size, size, 3), dtype=np.uint8))


def _gaussian_noise(rng: np.random.Generator, size: int = 64) -> Image.Image:
    return Image.fromarray(np.clip(rng.normal(128, 50, (size, size, 3)), 0, 255).astype(np.uint8))


def _unseen_shape(rng: np.random.Generator) -> Image.Image:
    shape = ("triangle", "ring")[int(rng.integers(2))]
    colour = ((225, 200, 40), (140, 50, 170))[int(rng.integers(2))]
    return render_shape(shape, colour, rng)


def _new_colour(rng: np.random.Generator) -> Image.Image:
    shape = ("disc", "square", "bar")[int(rng.integers(3))]
    return render_shape(shape, ((225, 200, 40), (140, 50, 170))[int(rng.integers(2))], rng)


SHAPE_PROBES: dict[str, Draw] = {
    "empty backdrop": _light_backdrop,
    "gradient": _gradient,
    "noise": lambda rng: (_uniform_noise if rng.random() < 0.5 else _gaussian_noise)(rng),
    "unseen objects": _unseen_shape,
}


# -- scenes -------------------------------------------------------------------------------------------


def _crop(image: np.ndarray, mask: np.ndarray) -> Image.Image:
    box = tight_box(mask)
    assert box is not None
    x0, y0, x1, y1 = square_box(box, image.shape[1], image.shape[0], CROP_MARGIN)
    return Image.fromarray(np.ascontiguousarray(image[y0:y1, x0:x1]))


def _jitter(colour: tuple[float, float, float], rng: np.random.Generator) -> tuple[float, float, float]:
    return tuple(float(np.clip(c + rng.uniform(-25, 25), 0, 255)) for c in colour)  # type: ignore[return-value]


def _scene_object(blob: Callable[[np.random.Generator], Blob]) -> Draw:
    def draw(rng: np.random.Generator) -> Image.Image:
        scene = render_scene(
            (blob(rng),), seed=int(rng.integers(1 << 30)), gain=float(rng.uniform(0.85, 1.15))
        )
        return _crop(scene.image, scene.object_masks[0])

    return draw


def _ball(rng: np.random.Generator) -> Blob:
    r = rng.uniform(45, 80)
    return Blob(
        rng.uniform(180, 460),
        rng.uniform(140, 340),
        r,
        r * rng.uniform(0.9, 1.1),
        _jitter((200, 40, 36), rng),
    )


def _box(rng: np.random.Generator) -> Blob:
    rx = rng.uniform(55, 90)
    return Blob(
        rng.uniform(180, 460),
        rng.uniform(140, 340),
        rx,
        rx * rng.uniform(0.6, 0.9),
        _jitter((40, 70, 190), rng),
        0.6,
    )


def _cup(rng: np.random.Generator) -> Blob:
    rx = rng.uniform(30, 45)
    return Blob(rng.uniform(150, 490), rng.uniform(150, 330), rx, rx * 1.25, _jitter((50, 150, 60), rng), 0.3)


def _banana(rng: np.random.Generator) -> Blob:
    rx = rng.uniform(70, 100)
    return Blob(rng.uniform(180, 460), rng.uniform(140, 340), rx, rx * 0.3, _jitter((225, 200, 50), rng))


def _empty_stage(rng: np.random.Generator) -> Image.Image:
    image = render_scene(seed=int(rng.integers(1 << 30)), gain=float(rng.uniform(0.85, 1.15))).image
    side = int(rng.integers(120, 300))
    x, y = int(rng.integers(0, 640 - side)), int(rng.integers(0, 480 - side))
    return Image.fromarray(np.ascontiguousarray(image[y : y + side, x : x + side]))


def _bare_arm(rng: np.random.Generator) -> Image.Image:
    scene = render_scene(
        arm=HOLDING_CUP, seed=int(rng.integers(1 << 30)), gain=float(rng.uniform(0.85, 1.15))
    )
    return _crop(scene.image, scene.person_mask)


SCENE_CLASSES: dict[str, Draw] = {"ball": _scene_object(_ball), "box": _scene_object(_box)}
SCENE_PROBES: dict[str, Draw] = {
    "empty backdrop": _empty_stage,
    "bare arm": _bare_arm,
    "unseen objects": lambda rng: _scene_object(_cup if rng.random() < 0.5 else _banana)(rng),
}
SHAPE_CLASSES: dict[str, Draw] = {label: (lambda rng, label=label: render(label, rng)) for label in CLASSES}
TASKS = {
    "shapes": (SHAPE_CLASSES, SHAPE_PROBES, {"known shape, new colour": _new_colour}),
    "scenes": (SCENE_CLASSES, SCENE_PROBES, {}),
}


# -- real photos --------------------------------------------------------------------------------------


def photo_files(extra: Path | None) -> list[Path]:
    """Real photos that ship with installed packages (and those in `extra`)."""
    found = []
    for package, names in (
        ("sklearn", ("datasets/images/china.jpg", "datasets/images/flower.jpg")),
        ("matplotlib", ("mpl-data/sample_data/grace_hopper.jpg",)),
        ("skimage", tuple(f"data/{name}" for name in SKIMAGE_PHOTOS)),
    ):
        spec = find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        root = Path(next(iter(spec.submodule_search_locations)))
        found += [root / name for name in names if (root / name).is_file()]
    if extra is not None:
        found += sorted(p for p in extra.rglob("*") if p.suffix.lower() in PHOTO_SUFFIXES)
    return found


def photo_probes(paths: list[Path], rng: np.random.Generator) -> list[Image.Image]:
    """Each photo whole and three random square crops of it (a third to two thirds of its short side)."""
    out = []
    for path in paths:
        with Image.open(path) as opened:
            photo = opened.convert("RGB")
        out.append(photo)
        short = min(photo.size)
        for _ in range(3):
            side = int(rng.uniform(0.33, 0.67) * short)
            x, y = int(rng.integers(0, photo.width - side + 1)), int(rng.integers(0, photo.height - side + 1))
            out.append(photo.crop((x, y, x + side, y + side)))
    return out


# -- measuring ----------------------------------------------------------------------------------------


def train(backbone: Backbone, classes: dict[str, Draw], per_class: int, rng: np.random.Generator):
    """The kiosk's trainer on `per_class` drawn images per class, with their views."""
    images = [(label, draw(rng)) for label, draw in classes.items() for _ in range(per_class)]
    labels = [label for label, _ in images]
    names = [f"{label}{i}" for i, label in enumerate(labels)]
    features = backbone.embed([image for _, image in images])
    rows = TrainingRows.of(features, labels, names, names, 1.0, real=True)
    view_parts = []
    for view in VIEWS:
        view_features = backbone.embed([view_image(image, view) for _, image in images])
        view_parts.append(
            TrainingRows.of(view_features, labels, [f"{n}#{view}" for n in names], names, 1.0, real=False)
        )
    return fit_rows(rows, view_parts[0] + view_parts[1], TrainingConfig())


def judged(outcome, features: np.ndarray) -> tuple[np.ndarray, list]:
    probabilities = outcome.fit.model.predict_proba(features)
    return probabilities, outcome.open_set.judge(features, probabilities, outcome.fit.model.labels)


def run_task(backbone, name, per_class, tests, seed, photos) -> dict[str, object]:
    classes, probes, aside = TASKS[name]
    rng = np.random.default_rng(seed)
    outcome = train(backbone, classes, per_class, rng)
    labels = outcome.fit.model.labels
    truth = [label for label in classes for _ in range(tests)]
    features = backbone.embed([classes[label](rng) for label in truth])
    probabilities, verdicts = judged(outcome, features)
    predicted = [labels[i] for i in probabilities.argmax(axis=1)]
    right = np.array([p == t for p, t in zip(predicted, truth, strict=True)])
    kept = np.array([v is None for v in verdicts])
    reasons = [v.reason for v in verdicts if v is not None]
    record: dict[str, object] = {
        "seed": seed,
        "limits": outcome.open_set.summary(),
        "in_distribution": {
            "images": len(truth),
            "accuracy_plain": float(right.mean()),
            "accuracy_with_rule": float((right & kept).mean()),
            "rejected_unknown": reasons.count("unknown") / len(truth),
            "rejected_unsure": reasons.count("unsure") / len(truth),
            "accuracy_of_accepted": float(right[kept].mean()) if kept.any() else None,
        },
        "probes": {},
    }
    groups = {
        group: backbone.embed([draw(rng) for _ in range(tests)]) for group, draw in (probes | aside).items()
    }
    groups["real photos"] = photos
    for group, group_features in groups.items():
        group_probabilities, group_verdicts = judged(outcome, group_features)
        accepted = [v is None for v in group_verdicts]
        record["probes"][group] = {  # type: ignore[index]
            "images": len(group_verdicts),
            "false_accept_rate": sum(accepted) / len(accepted),
            "plain_confident_rate": float((group_probabilities.max(axis=1) >= CONFIDENT).mean()),
            "unknown": sum(v is not None and v.reason == "unknown" for v in group_verdicts),
            "unsure": sum(v is not None and v.reason == "unsure" for v in group_verdicts),
            "counted": group not in aside,
        }
    return record | {"outcome": outcome}


def median_ms(task: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        task()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def timing(backbone: Backbone, outcome, image: Image.Image, repeats: int) -> dict[str, object]:
    """Milliseconds for one prediction: the classifier, classifier + rule (the trained model's, and one
    with the most reference rows a rule keeps), and one backbone run for scale."""
    model, rule = outcome.fit.model, outcome.open_set
    features = backbone.embed([image])
    largest = OpenSetRule(
        reference=np.random.default_rng(0).normal(size=(MAX_REFERENCE, features.shape[1])).astype(np.float32),
        neighbours=rule.neighbours,
        max_distance=rule.max_distance,
        min_confidence=rule.min_confidence,
    )
    plain = median_ms(lambda: model.predict_proba(features), repeats)
    out: dict[str, object] = {"classifier_ms": plain}
    for name, chosen in (("trained", rule), ("largest", largest)):

        def both(chosen: OpenSetRule = chosen) -> None:
            chosen.judge(features, model.predict_proba(features), model.labels)

        with_rule = median_ms(both, repeats)
        out[name] = {
            "reference_rows": len(chosen.reference),
            "classifier_and_rule_ms": with_rule,
            "added_ms": with_rule - plain,
        }
    out["backbone_ms"] = median_ms(lambda: backbone.embed([image]), max(5, repeats // 20))
    return out


def summarise(runs: list[dict[str, object]]) -> dict[str, object]:
    """Means (and worst case) over seeds."""
    cost = [
        (r["in_distribution"]["accuracy_plain"] - r["in_distribution"]["accuracy_with_rule"]) * 100
        for r in runs
    ]
    out: dict[str, object] = {
        "accuracy_plain": statistics.mean(r["in_distribution"]["accuracy_plain"] for r in runs),
        "accuracy_with_rule": statistics.mean(r["in_distribution"]["accuracy_with_rule"] for r in runs),
        "accuracy_cost_points": statistics.mean(cost),
        "accuracy_cost_points_worst": max(cost),
        "false_accept_rate": {},
        "plain_confident_rate": {},
    }
    for group in runs[0]["probes"]:
        out["false_accept_rate"][group] = statistics.mean(
            r["probes"][group]["false_accept_rate"] for r in runs
        )
        out["plain_confident_rate"][group] = statistics.mean(
            r["probes"][group]["plain_confident_rate"] for r in runs
        )
    counted = [
        (r["probes"][g]["false_accept_rate"], r["probes"][g]["images"])
        for r in runs
        for g in r["probes"]
        if r["probes"][g]["counted"]
    ]
    out["false_accept_rate_all_counted_probes"] = sum(rate * n for rate, n in counted) / sum(
        n for _, n in counted
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", default="10,30", help="training images per class, comma-separated")
    parser.add_argument(
        "--test", type=int, default=60, help="in-distribution images per class, and per probe group"
    )
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument(
        "--photos", type=Path, default=None, help="a folder of more real photos to probe with"
    )
    parser.add_argument("--repeats", type=int, default=300, help="runs per timing")
    parser.add_argument("--quick", action="store_true", help="one seed, 10 per class, 20 tests: a smoke run")
    args = parser.parse_args()
    sizes = [10] if args.quick else [int(v) for v in args.train.split(",")]
    seeds, tests = (1, 20) if args.quick else (args.seeds, args.test)
    state = git_state()
    backbone = Backbone()
    paths = photo_files(args.photos)
    photos = backbone.embed(photo_probes(paths, np.random.default_rng(99)))
    report: dict[str, object] = {
        "bench": "open_set",
        "git": state,
        "machine": facts(),
        "backbone": backbone.path.name,
        "photos": [str(p.relative_to(p.parents[2])) for p in paths],
        "photo_probes": len(photos),
        "settings": {
            "train_per_class": sizes,
            "test_per_class": tests,
            "seeds": seeds,
            "confident": CONFIDENT,
        },
        "tasks": {},
    }
    last = None
    for name in TASKS:
        for size in sizes:
            runs = []
            for seed in range(seeds):
                run = run_task(backbone, name, size, tests, seed, photos)
                last = run.pop("outcome")
                runs.append(run)
            report["tasks"][f"{name}/{size}"] = {"summary": summarise(runs), "runs": runs}  # type: ignore[index]
    assert last is not None
    report["timing"] = timing(backbone, last, SHAPE_CLASSES["apple"](np.random.default_rng(5)), args.repeats)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

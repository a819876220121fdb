"""Which photo to ask a person about: uncertainty sampling against random sampling; one JSON object.

    python -m bench.active_learning [--pool 40] [--test 40] [--add 20] [--seeds 3] [--quick]

The Try step asks the visitor "Is it A or B?" about the frames the model is least sure of
(`kiosk/live/question.py`), and the coach names the class whose held-out photos it doubted
(`kiosk/coach/rules/capture_next.py`). Both bet that a label where the model hesitates teaches it
more than a label anywhere. This bench measures that bet, pool-based: each task's pictures are
embedded once by the kiosk's backbone; a run starts with 2 labelled pictures per class drawn at
random from the pool, then adds one label at a time, either the pool picture whose two most likely
classes are closest (smallest margin of the calibrated probabilities) or a random one. Every model
is the kiosk's own (`train_linear_svm`, Platt-calibrated on its out-of-fold margins), retrained
after every label, with C fixed at the trainer's default and 3 folds: choosing C on a handful of
pictures is noise, and it would multiply the cost of the hundreds of fits a run makes. Accuracy
is measured on a separate test set at fixed label counts, over `--seeds` draws of the starting
labels (the pool and test pictures stay the same).

Tasks, rendered (testkit) and real (only images installed packages ship, so it runs offline):

- shapes: disc, square, bar, triangle, ring in random colours (testkit/shapes.py): shape only.
- fruit: apples and pears of any hue on any backdrop (testkit/colour_scenes.py): shape only.
- digits (real): scikit-learn's 1,797 handwritten digits (8x8 scans, upscaled), 10 classes.
- photo crops (real): random square crops (15 to 40 % of the short side) of scikit-learn's china
  and flower photos and matplotlib's Grace Hopper: which photo is this piece of?
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Callable
from importlib.resources import files

import numpy as np
from PIL import Image

from bench.machine import facts, git_state
from kiosk.features.backbone import Backbone
from kiosk.learning.svm import DEFAULT_C, train_linear_svm
from testkit.colour_scenes import ANY_BACKDROP, Scene
from testkit.colour_scenes import render as render_fruit
from testkit.shapes import SHAPES, render_shape

START_PER_CLASS = 2
STRATEGIES = ("uncertainty", "random")
FOLDS = 3
Task = Callable[[int, int], tuple[list[Image.Image], list[str]]]
"""(per class, seed) -> pictures and their labels."""


def shapes(per_class: int, seed: int) -> tuple[list[Image.Image], list[str]]:
    rng = np.random.default_rng(seed)
    images, labels = [], []
    for _ in range(per_class):
        for shape in SHAPES:
            colour = tuple(int(v) for v in rng.integers(0, 256, 3))
            images.append(render_shape(shape, colour, rng))  # type: ignore[arg-type]
            labels.append(shape)
    return images, labels


def fruit(per_class: int, seed: int) -> tuple[list[Image.Image], list[str]]:
    rng = np.random.default_rng(seed)
    images, labels = [], []
    for _ in range(per_class):
        for name in ("apple", "pear"):
            image, _ = render_fruit(Scene(name, (0.0, 1.0), ANY_BACKDROP), rng)
            images.append(Image.fromarray(image))
            labels.append(name)
    return images, labels


def digits(per_class: int, seed: int) -> tuple[list[Image.Image], list[str]]:
    from sklearn.datasets import load_digits

    found = load_digits()
    rng = np.random.default_rng(seed)
    images, labels = [], []
    for digit in range(10):
        rows = rng.choice(np.flatnonzero(found.target == digit), size=per_class, replace=False)
        for row in rows:
            grey = (255 - found.images[row] * 255 / 16).astype(np.uint8)  # dark ink on white paper
            images.append(Image.fromarray(grey).convert("RGB").resize((64, 64), Image.BILINEAR))
            labels.append(str(digit))
    return images, labels


PHOTOS = {
    "china": ("sklearn", "datasets/images/china.jpg"),
    "flower": ("sklearn", "datasets/images/flower.jpg"),
    "grace hopper": ("matplotlib", "mpl-data/sample_data/grace_hopper.jpg"),
}


def photo_crops(per_class: int, seed: int) -> tuple[list[Image.Image], list[str]]:
    rng = np.random.default_rng(seed)
    images, labels = [], []
    for name, (package, path) in PHOTOS.items():
        photo = Image.open(str(files(package).joinpath(path))).convert("RGB")
        short = min(photo.size)
        for _ in range(per_class):
            side = int(short * rng.uniform(0.15, 0.4))
            x, y = rng.integers(0, photo.width - side), rng.integers(0, photo.height - side)
            images.append(photo.crop((int(x), int(y), int(x) + side, int(y) + side)))
            labels.append(name)
    return images, labels


TASKS: dict[str, Task] = {"shapes": shapes, "fruit": fruit, "digits": digits, "photo crops": photo_crops}
REAL = {"digits", "photo crops"}


def accuracy(fit, features: np.ndarray, labels: np.ndarray) -> float:
    predicted = np.asarray(fit.model.labels, dtype=object)[fit.model.predict_proba(features).argmax(axis=1)]
    return float(np.mean(predicted == labels))


def smallest_margin(fit, features: np.ndarray) -> int:
    """Index of the row whose two most likely classes are closest."""
    probabilities = np.sort(fit.model.predict_proba(features), axis=1)
    return int(np.argmin(probabilities[:, -1] - probabilities[:, -2]))


def trained(features: np.ndarray, labels: np.ndarray, seed: int):
    return train_linear_svm(features, labels.tolist(), c_grid=(DEFAULT_C,), max_folds=FOLDS, seed=seed)


def run(
    pool: tuple[np.ndarray, np.ndarray],
    test: tuple[np.ndarray, np.ndarray],
    strategy: str,
    checkpoints: list[int],
    seed: int,
) -> list[float]:
    """Test accuracy at each number of labels added after the 2-per-class start."""
    features, labels = pool
    rng = np.random.default_rng(seed)
    chosen = [
        int(i)
        for label in np.unique(labels)
        for i in rng.choice(np.flatnonzero(labels == label), START_PER_CLASS, replace=False)
    ]
    order = rng.permutation(np.setdiff1d(np.arange(len(labels)), chosen)).tolist()
    out = []
    fit = trained(features[chosen], labels[chosen], seed)
    for added in range(max(checkpoints) + 1):
        if added:
            if strategy == "uncertainty":
                left = np.setdiff1d(np.arange(len(labels)), chosen)
                chosen.append(int(left[smallest_margin(fit, features[left])]))
            else:
                chosen.append(order.pop())
            if strategy == "uncertainty" or added in checkpoints:
                fit = trained(features[chosen], labels[chosen], seed)
        if added in checkpoints:
            out.append(accuracy(fit, *test))
    return out


def embedded(backbone: Backbone, task: Task, per_class: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    images, labels = task(per_class, seed)
    return backbone.embed(images), np.asarray(labels, dtype=object)


def summary(runs: list[list[float]]) -> list[dict[str, float]]:
    """Per checkpoint: mean, lowest and highest accuracy over the seeds, in percent."""
    return [
        {
            "mean": round(100 * statistics.fmean(column), 1),
            "min": round(100 * min(column), 1),
            "max": round(100 * max(column), 1),
        }
        for column in zip(*runs, strict=True)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=int, default=40, help="unlabelled pictures per class")
    parser.add_argument("--test", type=int, default=40, help="test pictures per class")
    parser.add_argument("--add", type=int, default=20, help="labels added one at a time after the start")
    parser.add_argument("--seeds", type=int, default=3, help="draws of the starting labels")
    parser.add_argument("--quick", action="store_true", help="8 a class, 6 labels, 1 seed: a smoke run")
    args = parser.parse_args()
    quick = (8, 8, 6, 1)
    pool_size, test_size, add, seeds = quick if args.quick else (args.pool, args.test, args.add, args.seeds)
    checkpoints = sorted({0, *range(5, add + 1, 5), add})
    state = git_state()
    backbone = Backbone()
    report: dict[str, object] = {
        "bench": "active_learning",
        "git": state,
        "machine": facts(),
        "backbone": backbone.path.name,
        "settings": {
            "pool_per_class": pool_size,
            "test_per_class": test_size,
            "start_per_class": START_PER_CLASS,
            "labels_added": checkpoints,
            "seeds": seeds,
            "c": DEFAULT_C,
            "folds": FOLDS,
        },
        "tasks": {},
    }
    for name, task in TASKS.items():
        print(f"{name}: embedding", file=sys.stderr)
        pool = embedded(backbone, task, pool_size, seed=1)
        test = embedded(backbone, task, test_size, seed=2)
        classes = len(np.unique(pool[1]))
        found: dict[str, object] = {"real": name in REAL, "classes": classes}
        for strategy in STRATEGIES:
            print(f"{name}: {strategy}", file=sys.stderr)
            runs = [run(pool, test, strategy, checkpoints, seed) for seed in range(seeds)]
            found[strategy] = {
                "labels": [START_PER_CLASS * classes + added for added in checkpoints],
                "accuracy": summary(runs),
            }
        report["tasks"][name] = found  # type: ignore[index]
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

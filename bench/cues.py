"""Which cue a model decides by: the share of its answers each counterfactual probe changes; JSON.

    python -m bench.cues [--train 20] [--probe 20] [--repeats 3] [--seed 0]

The coach's "it decides mostly by colour" and `teachbooth explain` read `kiosk/learning/cues.py`:
every picture is changed along one cue at a time (the classic engine's recolour, new background,
angle, light, and a blur of the object) and the model's answer before and after is compared. This
bench checks that the measure names the cue that really separates the classes, on two rendered
sets whose answer is known (testkit/colour_scenes.py), each with a model trained by the kiosk's own
folder training (augmentation off, so only the photos teach):

- colour only: the same apple shape, red against green: colour must dominate;
- shape only: apples against pears, each in a random hue: colour must not.

A cue "dominates" when it changes more than `DOMINANT_SHARE` of the answers. Probe pictures are
new renders of the same scenes, each with its exact mask (so the background probe runs on all).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from bench.machine import facts, git_state
from kiosk.features.backbone import Backbone
from kiosk.learning.config import TrainingConfig
from kiosk.learning.cues import DOMINANT_SHARE, measure_cues
from kiosk.learning.folder_training import train_folder
from kiosk.learning.masked_image import MaskedPicture
from kiosk.learning.model_dir import load_model
from testkit.colour_scenes import GREEN, RED, Scene, render_classes

ANY_HUE = (0.0, 1.0)
SETS = {
    "colour only": {"red": Scene("apple", RED), "green": Scene("apple", GREEN)},
    "shape only": {"apple": Scene("apple", ANY_HUE), "pear": Scene("pear", ANY_HUE)},
}
COLOUR_MUST_DOMINATE = {"colour only": True, "shape only": False}


def write_training_set(root: Path, scenes: dict[str, Scene], per_class: int, seed: int) -> None:
    images, _, labels = render_classes(scenes, per_class, seed)
    for index, (image, label) in enumerate(zip(images, labels, strict=True)):
        (root / label).mkdir(parents=True, exist_ok=True)
        Image.fromarray(image).save(root / label / f"{label}_{index}.png")


def probe_pictures(scenes: dict[str, Scene], per_class: int, seed: int) -> list[MaskedPicture]:
    images, masks, _ = render_classes(scenes, per_class, seed)
    return [
        MaskedPicture(Image.fromarray(image), Image.fromarray(mask.astype(np.uint8) * 255))
        for image, mask in zip(images, masks, strict=True)
    ]


def run_set(name: str, args: argparse.Namespace, backbone: Backbone) -> dict[str, object]:
    scenes = SETS[name]
    with tempfile.TemporaryDirectory() as scratch:
        data, out = Path(scratch) / "photos", Path(scratch) / "model"
        write_training_set(data, scenes, args.train, args.seed)
        train_folder(data, out, backbone, TrainingConfig(augmentation="off"))
        model = load_model(out)
    pictures = probe_pictures(scenes, args.probe, args.seed + 1)
    started = time.perf_counter()
    shares = measure_cues(
        model.features(backbone), model.classifier, pictures, repeats=args.repeats, seed=args.seed
    )
    seconds = time.perf_counter() - started
    dominant = shares.dominant()
    return {
        "cues": shares.share,
        "dominant": dominant,
        "colour_dominates": dominant == "colour",
        "as_expected": (dominant == "colour") == COLOUR_MUST_DOMINATE[name],
        "images": shares.images,
        "ms_per_picture": round(1000 * seconds / max(shares.images, 1), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=int, default=20, help="training pictures per class")
    parser.add_argument("--probe", type=int, default=20, help="probe pictures per class")
    parser.add_argument("--repeats", type=int, default=3, help="changes per cue per picture")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    backbone = Backbone()
    report = {
        "bench": "cues",
        "git": git_state(),
        "machine": facts(),
        "settings": vars(args) | {"dominant_share": DOMINANT_SHARE},
        "sets": {name: run_set(name, args, backbone) for name in SETS},
    }
    json.dump(report, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

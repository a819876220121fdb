"""Explain a model in cues a person can name: how often a new colour, background, light... changes it.

MODEL may be a model folder or a kiosk project folder (its current model). Every IMAGE is changed
by the kiosk's classic engine, a few times per cue with fixed seeds, and a cue's share is the
answers it changed over the answers probed (`kiosk/learning/cues.py`). An image with a
NAME.mask.png beside it is cut around its object like a capture and probed with that mask; without
one, the kiosk's still masker looks for the object and the image stays whole (as predict sees it);
where it finds none, the whole image counts as the object and the background is not probed.

With --json, one object: {"model", "cues": {"colour": share, "background": share, "angle": share,
"light": share, "blur": share}, "images": N, "dominant": cue or null, "probed", "flipped",
"by_label", "masks": {"file", "found", "none"}, "errors": [{"image", "error"}]}; a share is null
where nothing was probed. Exit code 0 if every image was probed, 1 if some could not be read, 2 if
the model could not be used or no image could be read.

Example: teachbooth explain ~/teachbooth/project apple.jpg pear.jpg --json
"""

from __future__ import annotations

import argparse
import json
import sys

from kiosk.learning.cues import CUES, DOMINANT_SHARE, PROBES, measure_cues
from kiosk.learning.image_folder import UnreadableImage
from kiosk.learning.masked_image import read_masked, with_found_mask
from kiosk.learning.model_dir import ModelDirError
from kiosk.learning.model_source import load_model_or_project


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "model", metavar="MODEL", help="a model folder, or a project folder (its current model)"
    )
    parser.add_argument("images", nargs="+", metavar="IMAGE", help="image files (jpg, png, bmp, tiff)")
    parser.add_argument("--repeats", type=int, default=3, help="changes per cue and image (default 3)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the changes (default 0)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    if args.repeats < 1:
        print("teachbooth explain: --repeats must be at least 1", file=sys.stderr)
        return 2
    try:
        model = load_model_or_project(args.model)
        features = model.open_features()
    except ModelDirError as exc:
        print(f"teachbooth explain: {exc}", file=sys.stderr)
        return 2
    if model.classifier is None:
        print(
            "teachbooth explain: an anomaly model has no classes to tell apart; its heat maps show what "
            "it looks at (teachbooth predict --heatmap)",
            file=sys.stderr,
        )
        return 2
    pictures, errors = [], []
    masks = {"file": 0, "found": 0, "none": 0}
    for image in args.images:
        try:
            picture = read_masked(image)
        except UnreadableImage as exc:
            errors.append({"image": image, "error": f"{image} {exc}"})
            continue
        found = with_found_mask(picture)
        masks["file" if picture.mask is not None else "found" if found.mask is not None else "none"] += 1
        pictures.append(found)
    if not pictures:
        for error in errors:
            print(f"teachbooth explain: {error['error']}", file=sys.stderr)
        return 2
    shares = measure_cues(features, model.classifier, pictures, repeats=args.repeats, seed=args.seed)
    if args.json:
        print(json.dumps({"model": str(args.model), **shares.as_json(), "masks": masks, "errors": errors}))
    else:
        print(summary(shares.share, shares.dominant()))
        for cue in CUES:
            share = shares.share[cue]
            words = "not probed (no image has a mask)" if share is None else f"{share:.0%} of answers changed"
            print(f"  {cue:<10} {words}")
        for error in errors:
            print(f"teachbooth explain: {error['error']}", file=sys.stderr)
    return 1 if errors else 0


def summary(share: dict[str, float | None], dominant: str | None) -> str:
    """One sentence: the cue the model decides by, or that no cue sways it much."""
    if dominant is None:
        return f"No single cue sways it: none changed more than {DOMINANT_SHARE:.0%} of its answers."
    probe, changed = PROBES[dominant], share[dominant]
    return f"It decides mostly by {probe.noun}: {probe.change_words} changed {changed:.0%} of its answers."

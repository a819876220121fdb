"""`teachbooth explain` end to end: a real model trained by `teachbooth train`, the real backbone, the
classic engine's probes, on rendered sets whose answer is known: two classes that differ only by
colour, and two that differ only by shape in random colours."""

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from kiosk.learning.cues import CUES, DOMINANT_SHARE
from teachbooth.cli import main
from testkit.colour_scenes import GREEN, RED, Scene, render_classes

ANY_HUE = (0.0, 1.0)
COLOUR_ONLY = {"red": Scene("apple", RED), "green": Scene("apple", GREEN)}
SHAPE_ONLY = {"apple": Scene("apple", ANY_HUE), "pear": Scene("pear", ANY_HUE)}


def write_set(root: Path, scenes: dict[str, Scene], per_class: int, seed: int, masks: bool) -> list[Path]:
    """root/<label>/<label>_<i>.png, each with its NAME.mask.png when `masks`; returns the images."""
    images, found, labels = render_classes(scenes, per_class, seed)
    paths = []
    for index, (image, mask, label) in enumerate(zip(images, found, labels, strict=True)):
        (root / label).mkdir(parents=True, exist_ok=True)
        path = root / label / f"{label}_{index}.png"
        Image.fromarray(image).save(path)
        if masks:
            Image.fromarray(mask.astype(np.uint8) * 255).save(path.with_name(f"{path.stem}.mask.png"))
        paths.append(path)
    return paths


def explained(tmp_path_factory, scenes: dict[str, Scene], masks: bool) -> dict:
    root = tmp_path_factory.mktemp("explain")
    write_set(root / "train", scenes, per_class=10, seed=1, masks=False)
    model = root / "model"
    assert main(["train", str(root / "train"), "--out", str(model), "--augmentation", "off"]) == 0
    images = write_set(root / "new", scenes, per_class=4, seed=2, masks=masks)
    return {"model": model, "images": [str(path) for path in images]}


@pytest.fixture(scope="module")
def colour_only(tmp_path_factory) -> dict:
    return explained(tmp_path_factory, COLOUR_ONLY, masks=True)


@pytest.fixture(scope="module")
def shape_only(tmp_path_factory) -> dict:
    return explained(tmp_path_factory, SHAPE_ONLY, masks=False)


def report_of(capsys, model: Path, images: list[str], *extra: str) -> dict:
    capsys.readouterr()
    assert main(["explain", str(model), *images, "--json", "--repeats", "2", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_has_the_agreed_shape(capsys, colour_only):
    report = report_of(capsys, colour_only["model"], colour_only["images"])
    assert list(report) == [
        "model",
        "cues",
        "images",
        "dominant",
        "probed",
        "flipped",
        "by_label",
        "masks",
        "errors",
    ]
    assert list(report["cues"]) == list(CUES) == ["colour", "background", "angle", "light", "blur"]
    assert report["images"] == 8 and report["errors"] == []
    assert report["masks"] == {"file": 8, "found": 0, "none": 0}
    assert report["probed"] == dict.fromkeys(CUES, 16)  # 8 images x 2 repeats, each with a mask
    for cue, share in report["cues"].items():
        assert share == pytest.approx(report["flipped"][cue] / report["probed"][cue])
    for cue, by_label in report["by_label"].items():
        assert set(by_label) <= {"red", "green"}
        assert sum(counts["probed"] for counts in by_label.values()) == report["probed"][cue]


def test_two_classes_that_differ_only_by_colour_are_told_apart_by_colour(capsys, colour_only):
    report = report_of(capsys, colour_only["model"], colour_only["images"])
    cues = report["cues"]
    assert report["dominant"] == "colour"
    assert cues["colour"] > 0.4
    assert all(cues["colour"] > 2 * cues[cue] for cue in CUES if cue != "colour")


def test_two_classes_that_differ_only_by_shape_are_not_told_apart_by_colour(capsys, shape_only):
    report = report_of(capsys, shape_only["model"], shape_only["images"])
    assert report["images"] == 8 and report["masks"]["file"] == 0
    assert report["masks"]["found"] >= 6  # the still masker finds the fruit on its plain backdrop
    assert report["cues"]["colour"] < DOMINANT_SHARE
    assert report["dominant"] != "colour"


def test_the_text_says_what_it_decides_by(capsys, colour_only):
    capsys.readouterr()
    assert main(["explain", str(colour_only["model"]), *colour_only["images"][:4], "--repeats", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("It decides mostly by colour: a new colour changed ")
    assert [line.split()[0] for line in lines[1:]] == list(CUES)


def test_unreadable_images_are_errors_and_nothing_readable_exits_2(tmp_path, capsys, colour_only):
    broken = tmp_path / "broken.png"
    broken.write_text("not an image")
    capsys.readouterr()
    assert main(["explain", str(colour_only["model"]), colour_only["images"][0], str(broken), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["images"] == 1 and [error["image"] for error in report["errors"]] == [str(broken)]
    assert main(["explain", str(colour_only["model"]), str(broken)]) == 2
    assert main(["explain", str(tmp_path / "no-model"), colour_only["images"][0]]) == 2
    assert "no such model folder" in capsys.readouterr().err


def test_an_anomaly_model_is_refused_with_where_to_look_instead(tmp_path, capsys, colour_only):
    write_set(tmp_path / "good", {"red": COLOUR_ONLY["red"]}, per_class=6, seed=3, masks=False)
    assert main(["train", str(tmp_path / "good"), "--out", str(tmp_path / "model")]) == 0
    capsys.readouterr()
    assert main(["explain", str(tmp_path / "model"), colour_only["images"][0]]) == 2
    assert "predict --heatmap" in capsys.readouterr().err

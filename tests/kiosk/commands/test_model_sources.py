"""`teachbooth predict` and `eval` on a kiosk project folder (its current model), and on images with a
NAME.mask.png beside them, which are cut around the object exactly as the kiosk cuts a capture."""

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from kiosk.learning.project_training import train_project
from kiosk.masking import MaskingConfig
from kiosk.masking.crop import crop_to_object
from kiosk.store import Project
from teachbooth.cli import main
from testkit.shapes import render, write_dataset
from tests.kiosk.tui.photos import add_photos, shared_backbone


@pytest.fixture(scope="module")
def trained_project(tmp_path_factory) -> tuple[Path, Path]:
    """(project folder, its current model's folder), trained by the kiosk's own path."""
    root = tmp_path_factory.mktemp("project") / "project"
    with Project.open(root) as project:
        add_photos(project, {"apple": 5, "leaf": 5, "sky": 5})
        train_project(project, shared_backbone())
        return root, project.latest_good_model().path


def run_json(capsys, *argv: str) -> dict:
    capsys.readouterr()
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_predict_and_eval_take_a_project_folder_for_its_current_model(tmp_path, capsys, trained_project):
    project, model = trained_project
    data = write_dataset(tmp_path / "test", per_class=2, seed=5)
    images = sorted(str(path) for path in data.glob("*/*"))
    by_project = run_json(capsys, "predict", str(project), *images)["predictions"]
    by_model = run_json(capsys, "predict", str(model), *images)["predictions"]
    assert [p["label"] for p in by_project] == [p["label"] for p in by_model]
    for ours, theirs in zip(by_project, by_model, strict=True):
        assert ours["probabilities"] == pytest.approx(theirs["probabilities"], abs=1e-6)
    evaluation = run_json(capsys, "eval", str(project), str(data))
    assert evaluation["count"] == 6 and evaluation["accuracy"] >= 5 / 6
    assert evaluation == run_json(capsys, "eval", str(model), str(data))


def test_a_project_without_a_model_is_refused_with_a_reason(tmp_path, capsys):
    with Project.open(tmp_path / "empty"):
        pass
    image = tmp_path / "apple.png"
    render("apple", np.random.default_rng(0)).save(image)
    assert main(["predict", str(tmp_path / "empty"), str(image)]) == 2
    assert "has no trained model yet" in capsys.readouterr().err
    assert main(["eval", str(tmp_path / "empty"), str(tmp_path)]) == 2
    assert "has no trained model yet" in capsys.readouterr().err


def small_apple_on_a_leaf(folder: Path, name: str, seed: int) -> Path:
    """A 320 px picture of a big leaf-green square with a photo of an apple in the far corner, and
    the apple photo's mask: whole, it looks like a leaf; cut around the mask as a capture is, an apple."""
    rng = np.random.default_rng(seed)
    picture = Image.new("RGB", (320, 320), (200, 200, 196))
    picture.paste((40, 160, 50), (12, 12, 180, 180))
    picture.paste(render("apple", rng, size=96), (216, 216))
    mask = Image.new("L", picture.size, 0)
    mask.paste(255, (216, 216, 312, 312))
    folder.mkdir(parents=True, exist_ok=True)
    picture.save(folder / f"{name}.png")
    mask.save(folder / f"{name}.mask.png")
    return folder / f"{name}.png"


def top(prediction: dict) -> str:
    """The likeliest class (the open-set rule may still call a picture so unlike the photos unknown)."""
    return max(prediction["probabilities"], key=prediction["probabilities"].get)


def test_predict_cuts_an_image_around_its_mask_like_a_capture(tmp_path, capsys, trained_project):
    _, model = trained_project
    image = small_apple_on_a_leaf(tmp_path / "masked", "scene", seed=7)
    unmasked = tmp_path / "whole" / "scene.png"
    unmasked.parent.mkdir()
    unmasked.write_bytes(image.read_bytes())
    crop, _ = crop_to_object(
        Image.open(image).convert("RGB"),
        Image.open(image.with_name("scene.mask.png")),
        MaskingConfig().crop_margin,
    )
    crop.save(tmp_path / "crop.png")
    masked, whole, cut = run_json(
        capsys, "predict", str(model), str(image), str(unmasked), str(tmp_path / "crop.png")
    )["predictions"]
    assert top(whole) == "leaf" and top(masked) == "apple"
    assert masked["probabilities"] == pytest.approx(cut["probabilities"], abs=1e-6)


def test_eval_cuts_images_around_their_masks_and_skips_a_mask_of_the_wrong_size(
    tmp_path, capsys, trained_project
):
    _, model = trained_project
    data = tmp_path / "data"
    for seed in range(3):
        small_apple_on_a_leaf(data / "apple", f"scene_{seed}", seed)
    Image.new("L", (64, 64), 255).save(data / "apple" / "scene_2.mask.png")  # not the picture's size
    report = run_json(capsys, "eval", str(model), str(data))
    assert report["count"] == 2 and report["per_class"]["apple"] == 1.0
    [skipped] = report["skipped"]
    assert skipped["file"].endswith("scene_2.png") and "mask of 64x64 but is 320x320" in skipped["reason"]

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from teachbooth.cli import main
from testkit.shapes import write_dataset
from tests.kiosk.learning.model_copies import with_open_set_changed, without_open_set

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("predict")
    data = write_dataset(root / "train", per_class=4)
    assert main(["train", str(data), "--out", str(root / "model"), "--augmentation", "off"]) == 0
    images = write_dataset(root / "new", per_class=1, seed=11)
    return root / "model", sorted(str(path) for path in images.glob("*/*"))


def test_json_has_exactly_the_agreed_shape(capsys, trained):
    model_dir, images = trained
    capsys.readouterr()
    assert main(["predict", str(model_dir), *images, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert list(report) == ["model", "predictions", "errors"]
    assert report["model"] == str(model_dir) and report["errors"] == []
    assert [p["image"] for p in report["predictions"]] == images
    for prediction in report["predictions"]:
        assert list(prediction) == ["image", "label", "probabilities"]
        assert list(prediction["probabilities"]) == ["apple", "leaf", "sky"]
        assert sum(prediction["probabilities"].values()) == pytest.approx(1.0)
        assert prediction["label"] == max(prediction["probabilities"], key=prediction["probabilities"].get)


@pytest.fixture(scope="module")
def strange(tmp_path_factory) -> list[str]:
    """An empty backdrop like the training images' and random noise: nothing the model was taught."""
    folder = tmp_path_factory.mktemp("strange")
    Image.new("RGB", (64, 64), (190, 190, 190)).save(folder / "empty.png")
    noise = np.random.default_rng(3).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    Image.fromarray(noise).save(folder / "noise.png")
    return [str(folder / "empty.png"), str(folder / "noise.png")]


def predicted(capsys, model_dir, images) -> list[dict]:
    capsys.readouterr()
    assert main(["predict", str(model_dir), *images, "--json"]) == 0
    return json.loads(capsys.readouterr().out)["predictions"]


def test_an_empty_backdrop_and_noise_are_unknown_with_their_probabilities(capsys, trained, strange):
    model_dir, images = trained
    predictions = predicted(capsys, model_dir, [*strange, images[0]])
    for prediction in predictions[:2]:
        assert list(prediction) == ["image", "label", "reason", "probabilities"], prediction
        assert prediction["label"] is None and prediction["reason"] == "unknown"
        assert list(prediction["probabilities"]) == ["apple", "leaf", "sky"]
        assert sum(prediction["probabilities"].values()) == pytest.approx(1.0)
    assert predictions[2]["label"] == "apple"
    capsys.readouterr()
    assert main(["predict", str(model_dir), strange[0]]) == 0
    assert capsys.readouterr().out.startswith(f"{strange[0]}: unknown, like nothing it was taught (")


def test_a_close_call_is_unsure_and_names_the_two_likely_classes(tmp_path, capsys, trained):
    model_dir, images = trained
    # Nothing is sure enough for this copy.
    doubting = with_open_set_changed(model_dir, tmp_path / "doubting", min_confidence=1.0)
    for prediction in predicted(capsys, doubting, images):
        ranked = sorted(prediction["probabilities"], key=prediction["probabilities"].get, reverse=True)
        assert list(prediction) == ["image", "label", "reason", "candidates", "probabilities"]
        assert prediction["label"] is None and prediction["reason"] == "unsure"
        assert prediction["candidates"] == ranked[:2]
    capsys.readouterr()
    assert main(["predict", str(doubting), images[0]]) == 0
    assert capsys.readouterr().out.startswith(f"{images[0]}: not sure, apple or ")


def test_a_model_without_the_rule_labels_everything_as_before(tmp_path, capsys, trained, strange):
    model_dir, _ = trained
    legacy = without_open_set(model_dir, tmp_path / "legacy")
    for prediction in predicted(capsys, legacy, strange):
        assert list(prediction) == ["image", "label", "probabilities"]
        assert prediction["label"] in ("apple", "leaf", "sky")


def test_unreadable_images_go_to_errors_and_exit_1(tmp_path, capsys, trained):
    model_dir, images = trained
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 cut short")
    missing = str(tmp_path / "missing.png")
    capsys.readouterr()
    assert main(["predict", str(model_dir), images[0], str(broken), missing, "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [p["image"] for p in report["predictions"]] == [images[0]]
    assert [e["image"] for e in report["errors"]] == [str(broken), missing]
    assert "not a readable image" in report["errors"][0]["error"]
    assert "does not exist" in report["errors"][1]["error"]


def test_text_output_names_label_and_confidence(capsys, trained):
    model_dir, images = trained
    capsys.readouterr()
    assert main(["predict", str(model_dir), images[0]]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"{images[0]}: ") and "%" in line


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: (d / "classifier.npz").write_bytes(b"PK\x03\x04garbage"), "unreadable classifier"),
        (lambda d: (d / "model.json").write_text("{"), "unreadable"),
        (lambda d: (d / "model.json").unlink(), "no model.json"),
    ],
)
def test_damaged_model_exits_2(tmp_path, capsys, trained, damage, message):
    model_dir, images = trained
    copy = tmp_path / "model"
    copy.mkdir()
    for path in model_dir.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    damage(copy)
    assert main(["predict", str(copy), images[0], "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and message in captured.err and len(captured.err.strip().splitlines()) == 1


def test_end_to_end_through_the_teachbooth_entry_point(tmp_path):
    """train, then predict, as an outside script would run them: separate processes, JSON out."""
    data = write_dataset(tmp_path / "data", per_class=3, labels=("apple", "sky"))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "teachbooth"]
    trained = subprocess.run(
        [*command, "train", str(data), "--out", str(tmp_path / "m")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert trained.returncode == 0, trained.stderr
    image = str(data / "sky" / "sky_0.png")
    run = subprocess.run(
        [*command, "predict", str(tmp_path / "m"), image, "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["predictions"][0]["label"] == "sky" and report["predictions"][0]["image"] == image

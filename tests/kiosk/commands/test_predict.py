import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shared.cli import main
from tests.kiosk.learning.images import write_dataset

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
    command = [sys.executable, "-m", "shared.cli"]
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

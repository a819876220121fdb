import json

import pytest
from PIL import Image

from teachbooth.cli import main
from testkit.shapes import write_dataset


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("eval")
    data = write_dataset(root / "train", per_class=4)
    assert main(["train", str(data), "--out", str(root / "model"), "--augmentation", "off"]) == 0
    return root / "model"


def test_eval_json_is_one_object_with_the_agreed_keys(tmp_path, capsys, model_dir):
    data = write_dataset(tmp_path / "test", per_class=2, seed=3)
    (data / "sky" / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    capsys.readouterr()
    assert main(["eval", str(model_dir), str(data), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["labels"] == ["apple", "leaf", "sky"] and report["count"] == 6
    assert set(report["per_class"]) == {"apple", "leaf", "sky"}
    assert sum(map(sum, report["confusion"])) == 6
    assert report["accuracy"] == sum(report["confusion"][i][i] for i in range(3)) / 6
    assert [item["file"].rsplit("/", 1)[-1] for item in report["skipped"]] == ["bad.png"]


def test_eval_text_names_accuracy_per_class_and_the_misses(tmp_path, capsys, model_dir):
    data = write_dataset(tmp_path / "test", per_class=1, labels=("apple", "leaf"))
    (data / "leaf" / "leaf_0.png").rename(data / "apple" / "really_a_leaf.png")
    (data / "leaf").rmdir()
    capsys.readouterr()
    assert main(["eval", str(model_dir), str(data)]) == 0
    out = capsys.readouterr().out
    assert "accuracy: 50.0% of 2 images" in out and "apple: 50.0%" in out and "wrong:" in out


def test_a_class_folder_the_model_never_saw_is_refused_not_scored(tmp_path, capsys, model_dir):
    data = write_dataset(tmp_path / "test", per_class=1, labels=("apple", "leaf"))
    (data / "leaf").rename(data / "pear")
    capsys.readouterr()
    assert main(["eval", str(model_dir), str(data), "--json"]) == 2
    captured = capsys.readouterr()
    (line,) = captured.err.strip().splitlines()
    assert "does not know the class folder(s) pear" in line and "it knows apple, leaf, sky" in line
    assert captured.out == ""


def test_a_model_from_another_backbone_exits_2(tmp_path, capsys, model_dir):
    copy = tmp_path / "other"
    copy.mkdir()
    for path in model_dir.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    manifest = json.loads((copy / "model.json").read_text())
    manifest["backbone"]["sha256"] = "ab" * 32
    (copy / "model.json").write_text(json.dumps(manifest))
    data = write_dataset(tmp_path / "test", per_class=1)
    assert main(["eval", str(copy), str(data), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Retrain it" in captured.err and len(captured.err.strip().splitlines()) == 1


def test_missing_model_and_data_exit_2(tmp_path, capsys, model_dir):
    assert main(["eval", str(tmp_path / "none"), str(tmp_path)]) == 2
    assert "no such model folder" in capsys.readouterr().err
    assert main(["eval", str(model_dir), str(tmp_path / "none")]) == 2
    assert "no such folder" in capsys.readouterr().err


def test_eval_leaves_masks_out_of_the_images(tmp_path, capsys, model_dir):
    data = write_dataset(tmp_path / "test", per_class=2, seed=4)
    for path in sorted((data / "leaf").iterdir()):
        Image.new("L", (64, 64), 255).save(path.with_name(f"{path.stem}.mask.png"))
    capsys.readouterr()
    assert main(["eval", str(model_dir), str(data), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["count"] == 6 and report["skipped"] == []

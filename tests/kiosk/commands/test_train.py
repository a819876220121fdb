import pytest
from PIL import Image

from kiosk.learning.image_folder import read_image
from kiosk.learning.model_dir import load_model
from teachbooth.cli import main
from testkit.shapes import write_dataset


def test_train_prints_a_summary_and_writes_the_model(tmp_path, capsys):
    data = write_dataset(tmp_path / "data", per_class=4)
    (data / "leaf" / "scan.tiff").write_bytes(b"II*\x00 broken tiff")
    (data / "apple" / "README.md").write_text("not an image")
    assert main(["train", str(data), "--out", str(tmp_path / "model"), "--augmentation", "off"]) == 0
    out = capsys.readouterr().out
    for line in ("apple: 4 images", "leaf: 4 images", "sky: 4 images", "cross-validated accuracy:", "C: "):
        assert line in out
    assert "scan.tiff" in out and "README.md" in out and "skipped 2 file(s)" in out
    model = load_model(tmp_path / "model")
    assert model.labels == ("apple", "leaf", "sky") and model.training["folds"] == 4


@pytest.mark.parametrize(
    ("layout", "message"),
    [
        ({}, "no class folders"),
        ({"apple": 0, "pear": 0}, "no images"),
        ({"apple": 2, "pear": 0}, "without images: pear"),
        ({"apple": 3}, "needs at least 5 photos"),  # one class: an anomaly model, from enough good parts
    ],
)
def test_datasets_that_cannot_train_exit_2_with_one_line(tmp_path, capsys, layout, message):
    data = tmp_path / "data"
    data.mkdir()
    for label, count in layout.items():
        (data / label).mkdir()
        if count:
            write_dataset(tmp_path / "src", per_class=count, labels=("apple",))
            for path in (tmp_path / "src" / "apple").iterdir():
                path.rename(data / label / path.name)
    assert main(["train", str(data), "--out", str(tmp_path / "model")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("teachbooth train: ") and message in err[0]
    assert not (tmp_path / "model" / "model.json").exists()


def test_missing_folder_and_bad_options_exit_2(tmp_path, capsys):
    assert main(["train", str(tmp_path / "nothing"), "--out", str(tmp_path / "m")]) == 2
    assert "no such folder" in capsys.readouterr().err
    data = write_dataset(tmp_path / "data", per_class=2, labels=("apple", "sky"))
    assert main(["train", str(data), "--out", str(tmp_path / "m"), "--folds", "1"]) == 2
    assert "--folds" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["train", str(data)])  # --out is required
    assert exit_info.value.code == 2


def test_an_existing_model_is_kept_unless_force_is_given(tmp_path, capsys):
    data = write_dataset(tmp_path / "data", per_class=3, labels=("apple", "sky"))
    model_dir = tmp_path / "model"
    assert main(["train", str(data), "--out", str(model_dir), "--augmentation", "off"]) == 0
    first = (model_dir / "model.json").read_bytes()
    capsys.readouterr()

    other = write_dataset(tmp_path / "other", per_class=3, labels=("leaf", "sky"))
    assert main(["train", str(other), "--out", str(model_dir), "--augmentation", "off"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "already exists and is not empty" in line and "--force" in line
    assert (model_dir / "model.json").read_bytes() == first

    assert main(["train", str(other), "--out", str(model_dir), "--augmentation", "off", "--force"]) == 0
    assert load_model(model_dir).labels == ("leaf", "sky")

    (tmp_path / "empty").mkdir()
    assert main(["train", str(data), "--out", str(tmp_path / "empty"), "--augmentation", "off"]) == 0


def test_train_leaves_masks_out_of_the_images(tmp_path, capsys):
    data = write_dataset(tmp_path / "data", per_class=4)
    for path in sorted((data / "apple").iterdir()):
        Image.new("L", read_image(path).size, 255).save(path.with_name(f"{path.stem}.mask.png"))
    assert main(["train", str(data), "--out", str(tmp_path / "model"), "--augmentation", "off"]) == 0
    out = capsys.readouterr().out
    assert "apple: 4 images" in out and "skipped" not in out

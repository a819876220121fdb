import pytest
from PIL import Image

from kiosk.learning.image_folder import read_image
from kiosk.learning.model_dir import load_model
from kiosk.store import Project
from teachbooth.cli import main
from testkit.shapes import write_dataset
from tests.kiosk.commands.cli_run import run_cli
from tests.kiosk.tui.photos import add_photos


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


def train_project_cli(capsys, project_dir) -> tuple[int, list[str], list[str]]:
    code, out, err = run_cli(capsys, "train", "--project", project_dir, "--augmentation", "off")
    return code, out.splitlines(), err.splitlines()


def test_train_project_trains_an_imported_project_as_the_train_step_does(tmp_path, capsys):
    data = write_dataset(tmp_path / "data", per_class=4, labels=("apple", "leaf"))
    project_dir = tmp_path / "project"
    assert main(["import", str(data), "--project", str(project_dir)]) == 0
    capsys.readouterr()

    code, out, err = train_project_cli(capsys, project_dir)
    assert code == 0 and err == []
    with Project.open(project_dir) as project:
        (first,) = project.models()
    assert out == [
        f"trained version {first.id} of {project_dir}: it is the current model now",
        "Right on 100% of your 8 photos (each tested on a model that had not seen it).",
        "  apple: 100% of 4 photos",
        "  leaf: 100% of 4 photos",
        "No generated pictures yet: the model learned from your photos only.",
        "No accepted generated pictures to check.",
        "This is the project's first model.",
    ]

    more = write_dataset(tmp_path / "more", per_class=2, labels=("leaf",), seed=1)
    assert main(["import", str(more), "--project", str(project_dir)]) == 0
    capsys.readouterr()
    code, out, _ = train_project_cli(capsys, project_dir)
    with Project.open(project_dir) as project:
        second = project.latest_good_model()
    assert code == 0 and second.id != first.id and second.current
    assert out[0] == f"trained version {second.id} of {project_dir}: it is the current model now"
    assert out[-1].startswith(f"Against version {first.id}: ") and out[-1].endswith(". 2 photos added.")
    assert "  leaf: 100% of 6 photos" in out


def test_a_project_that_cannot_train_exits_2_with_the_refusal(tmp_path, capsys):
    with Project.open(tmp_path / "project") as project:
        add_photos(project, {"apple": 3})
        project.add_class("pear")
    code, out, err = train_project_cli(capsys, tmp_path / "project")
    assert code == 2 and out == []
    assert err == ["teachbooth train: Training needs photos of at least two classes: take photos of pear."]
    with Project.open(tmp_path / "project") as project:
        assert project.models() == []

    code, _, err = train_project_cli(capsys, tmp_path / "nowhere")
    assert code == 2 and len(err) == 1 and "there is no project at" in err[0]
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["DATA", "--project", "P"], "argument --project: not allowed with argument DATA_DIR"),
        (["--project", "P", "--out", "M"], "--out and --force go with DATA_DIR"),
        (["--project", "P", "--force"], "--out and --force go with DATA_DIR"),
        (["DATA"], "DATA_DIR needs --out MODEL_DIR"),
        ([], "one of the arguments DATA_DIR --project is required"),
    ],
)
def test_mixing_the_folder_and_project_modes_is_a_usage_error(tmp_path, capsys, argv, message):
    paths = {"DATA": str(tmp_path / "data"), "P": str(tmp_path / "project"), "M": str(tmp_path / "m")}
    with pytest.raises(SystemExit) as exit_info:
        main(["train", *(paths.get(arg, arg) for arg in argv)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: teachbooth train") and f"teachbooth train: error: {message}" in err
    assert not (tmp_path / "project").exists()

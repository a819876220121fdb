"""`teachbooth export dataset|model` as a user runs it: exit codes and one-line messages."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kiosk.features.backbone import Backbone
from kiosk.store import Project
from teachbooth.cli import main as teachbooth
from tests.kiosk.export.conftest import mask_of, render, train_shapes_model


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    return train_shapes_model(tmp_path_factory.mktemp("model") / "shapes", Backbone()).path


@pytest.fixture
def project_dir(tmp_path) -> Path:
    root = tmp_path / "project"
    with Project.open(root) as project:
        for label in ("disc", "square"):
            cls = project.add_class(label)
            for seed in range(2):
                image = render(label, seed)
                project.add_sample(image, cls, "camera", mask=mask_of(image))
            project.add_sample(
                render(label, 9), cls, "generated", recipe={"preset": "new_colour"}, accepted=True
            )
    return root


def run(capsys, *argv: str) -> tuple[int, str, list[str]]:
    capsys.readouterr()
    status = teachbooth(["export", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err.splitlines()


def test_dataset_export_reports_counts_and_damage(tmp_path, project_dir, capsys):
    with Project.open(project_dir, create=False) as project:
        damaged = project.samples()[0]
    damaged.image_path.write_bytes(b"\xff\xd8\xff garbage")
    out = tmp_path / "fruit.zip"
    status, printed, errors = run(capsys, "dataset", str(project_dir), "--out", str(out))
    assert status == 0
    assert printed == f"5 samples (disc: 2, square: 3), 1 skipped (damaged image) written to {out}\n"
    assert errors == [f"teachbooth export: skipped sample {damaged.id}: its image is truncated"]
    with zipfile.ZipFile(out) as archive:
        assert sum(name.endswith(".jpg") for name in archive.namelist()) == 5

    status, printed, errors = run(
        capsys, "dataset", str(project_dir), "--out", str(out), "--no-generated", "--force"
    )
    assert status == 0 and printed.startswith("3 samples (disc: 1, square: 2)")


def test_model_export_writes_a_bundle(tmp_path, model_dir, capsys):
    out = tmp_path / "bundle"
    status, printed, errors = run(capsys, "model", str(model_dir), "--out", str(out))
    assert (status, errors) == (0, [])
    assert (
        printed
        == f"model bundle (bar, disc, square; backbone efficientnet_lite0_fp32.tflite) written to {out}\n"
    )
    assert (out / "predict.py").is_file()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["dataset", "{project}", "--out", "{tmp}/fruit.tar"],
            "{tmp}/fruit.tar: a dataset is exported as a .zip file",
        ),
        (["dataset", "{project}", "--out", "{tmp}/no/fruit.zip"], "the folder {tmp}/no does not exist"),
        (
            ["dataset", "{project}", "--out", "{tmp}/taken.zip"],
            "{tmp}/taken.zip already exists; pass --force",
        ),
        (["model", "{model}", "--out", "{tmp}/taken.zip"], "{tmp}/taken.zip already exists; pass --force"),
        (["model", "{model}", "--out", "{tmp}/other", "--force"], "exists and is not a previous export"),
    ],
)
def test_wrong_outputs_exit_2_with_one_line(tmp_path, project_dir, model_dir, capsys, argv, message):
    (tmp_path / "taken.zip").write_bytes(b"keep")
    (tmp_path / "other").mkdir()
    fill = {"project": project_dir, "model": model_dir, "tmp": tmp_path}
    status, printed, errors = run(capsys, *(arg.format(**fill) for arg in argv))
    assert (status, printed, len(errors)) == (2, "", 1)
    assert errors[0].startswith("teachbooth export: ") and message.format(**fill) in errors[0]
    assert (tmp_path / "taken.zip").read_bytes() == b"keep" and (tmp_path / "other").is_dir()


def test_bad_sources_exit_1_with_one_line(tmp_path, model_dir, capsys):
    status, _, errors = run(capsys, "dataset", str(tmp_path / "nowhere"), "--out", str(tmp_path / "a.zip"))
    assert status == 1 and errors == [
        f"teachbooth export: {tmp_path / 'nowhere'}: there is no project at {tmp_path / 'nowhere'}"
    ]
    status, _, errors = run(capsys, "model", str(tmp_path), "--out", str(tmp_path / "b.zip"))
    assert status == 1 and len(errors) == 1 and "not a TeachBooth model" in errors[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "the following arguments are required: WHAT"),
        (["dataset", "somewhere"], "the following arguments are required: --out"),
        (["model", "--out", "b.zip"], "the following arguments are required: MODEL_DIR"),
        (["everything", "--out", "b.zip"], "invalid choice: 'everything'"),
        (
            ["dataset", "p", "--out", "a.zip", "--include-everything"],
            "unrecognized arguments: --include-everything",
        ),
    ],
)
def test_usage_errors_exit_2(tmp_path, argv, message):
    result = subprocess.run(
        [sys.executable, "-m", "teachbooth", "export", *argv],
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2 and result.stdout == ""
    last = result.stderr.splitlines()[-1]
    assert last.startswith("teachbooth") and ": error: " in last and message in last


def test_exported_dataset_trains_and_its_model_bundle_predicts_like_the_cli(tmp_path, project_dir, capsys):
    """Project → dataset zip → `teachbooth train` on its images/ → bundle zip → predict.py."""
    assert run(capsys, "dataset", str(project_dir), "--out", str(tmp_path / "fruit.zip"))[0] == 0
    with zipfile.ZipFile(tmp_path / "fruit.zip") as archive:
        archive.extractall(tmp_path)
    model = tmp_path / "model"
    assert (
        teachbooth(
            ["train", str(tmp_path / "fruit" / "images"), "--out", str(model), "--augmentation", "off"]
        )
        == 0
    )
    assert run(capsys, "model", str(model), "--out", str(tmp_path / "bundle.zip"))[0] == 0
    with zipfile.ZipFile(tmp_path / "bundle.zip") as archive:
        archive.extractall(tmp_path / "unzipped")
    image = tmp_path / "query.png"
    render("square", 50).save(image)
    result = subprocess.run(
        [sys.executable, "predict.py", str(image), "--json"],
        cwd=tmp_path / "unzipped" / "bundle",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    bundle = json.loads(result.stdout)["predictions"]
    capsys.readouterr()
    assert teachbooth(["predict", str(model), str(image), "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)["predictions"]
    assert [p["label"] for p in bundle] == [p["label"] for p in cli]
    assert bundle[0]["probabilities"] == pytest.approx(cli[0]["probabilities"], abs=1e-6)
    assert set(cli[0]["probabilities"]) == {"disc", "square"}

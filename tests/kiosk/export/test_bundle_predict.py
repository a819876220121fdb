"""The bundle's predict.py, run as a stranger would: another folder, no TeachBooth, no extras.

The subprocess gets a sitecustomize that makes importing kiosk, shared, gpu_worker, sklearn,
mediapipe, cv2 and torch fail, and runs with its working directory outside the repository, so
the bundle can only work with what it carries plus a TFLite runtime, NumPy and Pillow.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from kiosk.export import export_bundle
from teachbooth.cli import main as teachbooth
from tests.kiosk.export.conftest import render

BLOCKED = ("kiosk", "shared", "gpu_worker", "tests", "sklearn", "mediapipe", "cv2", "torch")
BLOCKER = f"""
import sys

class _Blocker:
    blocked = {BLOCKED!r}

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.blocked:
            raise ImportError(f"{{name}} may not be imported by a model bundle")
        return None

sys.meta_path.insert(0, _Blocker())
"""


@pytest.fixture(scope="module")
def stranger_env(tmp_path_factory) -> dict[str, str]:
    """Environment for a Python that cannot import the project or its heavy dependencies."""
    site = tmp_path_factory.mktemp("blocker")
    (site / "sitecustomize.py").write_text(BLOCKER)
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env["PYTHONPATH"] = str(site)
    return env


def run_python(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def cli_predictions(capsys, model_dir: Path, images: list[Path]) -> dict:
    """What `teachbooth predict MODEL_DIR IMAGE... --json` prints."""
    capsys.readouterr()
    status = teachbooth(["predict", str(model_dir), *map(str, images), "--json"])
    printed = json.loads(capsys.readouterr().out)
    printed["status"] = status
    return printed


def test_blocker_really_blocks(tmp_path, stranger_env):
    for name in BLOCKED:
        result = run_python(["-c", f"import {name}"], tmp_path, stranger_env)
        assert result.returncode != 0 and "may not be imported by a model bundle" in result.stderr
    assert run_python(["-c", "import numpy, PIL"], tmp_path, stranger_env).returncode == 0


def assert_same(bundle_json: dict, reference: dict) -> None:
    assert [p["image"] for p in bundle_json["predictions"]] == [p["image"] for p in reference["predictions"]]
    for ours, theirs in zip(bundle_json["predictions"], reference["predictions"], strict=True):
        assert ours["label"] == theirs["label"], ours["image"]
        assert ours.get("reason") == theirs.get("reason"), ours["image"]  # the same rule turns it away
        assert ours.get("candidates") == theirs.get("candidates"), ours["image"]
        assert ours["probabilities"].keys() == theirs["probabilities"].keys()
        for label, p in theirs["probabilities"].items():
            assert ours["probabilities"][label] == pytest.approx(p, abs=1e-6), (ours["image"], label)
    assert bundle_json["errors"] == reference["errors"]  # the same files refused, with the same messages


def test_folder_bundle_predicts_like_teachbooth_predict(
    tmp_path, trained_model, query_images, stranger_env, capsys
):
    bundle = tmp_path / "bundle"
    export_bundle(trained_model.path, bundle)
    images = [str(path) for path in query_images]
    result = run_python([str(bundle / "predict.py"), *images, "--json"], tmp_path, stranger_env)
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert set(printed) == {"model", "predictions", "errors"}
    assert printed["model"] == str(bundle.resolve())
    assert printed["errors"] == []
    assert [p["image"] for p in printed["predictions"]] == images
    # The model is no toy; a greyscale disc is unlike all the colour pictures it was taught.
    assert [p["label"] for p in printed["predictions"]] == ["disc", "square", "bar", None, "bar"]
    for prediction in printed["predictions"]:
        rejected = ["reason"] if prediction["label"] is None else []
        assert list(prediction) == ["image", "label", *rejected, "probabilities"]
        assert sum(prediction["probabilities"].values()) == pytest.approx(1.0, abs=1e-9)
    assert printed["predictions"][3]["reason"] == "unknown"
    reference = cli_predictions(capsys, trained_model.path, query_images)
    assert reference["status"] == 0
    assert_same(printed, reference)


def test_bundle_turns_away_what_teachbooth_predict_turns_away(
    tmp_path, trained_model, query_images, strange_images, stranger_env, capsys
):
    bundle = tmp_path / "bundle"
    export_bundle(trained_model.path, bundle)
    images = [*map(str, strange_images), str(query_images[0])]
    result = run_python([str(bundle / "predict.py"), *images, "--json"], tmp_path, stranger_env)
    assert result.returncode == 0, result.stderr  # a rejected image was still judged
    printed = json.loads(result.stdout)
    for rejected in printed["predictions"][:2]:
        assert list(rejected) == ["image", "label", "reason", "probabilities"], rejected
        assert rejected["label"] is None and rejected["reason"] == "unknown"
        assert sum(rejected["probabilities"].values()) == pytest.approx(1.0, abs=1e-9)
    assert printed["predictions"][2]["label"] == "disc"
    reference = cli_predictions(capsys, trained_model.path, images)
    assert_same(printed, reference)
    text = run_python([str(bundle / "predict.py"), images[0]], tmp_path, stranger_env)
    assert text.returncode == 0
    assert text.stdout.startswith(f"{images[0]}: unknown, like nothing it was taught")


def test_zip_bundle_reports_bad_images_like_teachbooth_predict(
    tmp_path, trained_model, query_images, stranger_env, capsys
):
    archive = tmp_path / "shapes-model.zip"
    export_bundle(trained_model.path, archive)
    where = tmp_path / "unzipped"
    with zipfile.ZipFile(archive) as opened:
        opened.extractall(where)
    bundle = where / "shapes-model"
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(query_images[0].read_bytes()[:300])
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    gif = tmp_path / "animation.gif"  # a format Pillow reads but teachbooth does not take
    render("disc", 3).save(gif)
    images = [query_images[0], broken, tmp_path / "missing.jpg", text, gif, query_images[1]]
    result = run_python(
        [str(bundle / "predict.py"), *map(str, images), "--json"], tmp_path / "unzipped", stranger_env
    )
    assert result.returncode == 1, result.stderr
    printed = json.loads(result.stdout)
    assert printed["model"] == str(bundle.resolve())
    assert [e["image"] for e in printed["errors"]] == [str(p) for p in images[1:5]]
    assert printed["errors"][1]["error"] == f"{images[2]} does not exist"
    reference = cli_predictions(capsys, trained_model.path, images)
    assert reference["status"] == 1
    assert_same(printed, reference)


def test_text_output_and_changed_backbone(tmp_path, trained_model, query_images, stranger_env):
    bundle = tmp_path / "bundle"
    report = export_bundle(trained_model.path, bundle)
    result = run_python([str(bundle / "predict.py"), str(query_images[0])], tmp_path, stranger_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{query_images[0]}: ") and result.stdout.strip().endswith("%)")

    backbone = bundle / report.backbone_file
    data = bytearray(backbone.read_bytes())
    data[-1] ^= 0xFF
    backbone.write_bytes(bytes(data))
    result = run_python([str(bundle / "predict.py"), str(query_images[0]), "--json"], tmp_path, stranger_env)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "not the backbone this model was trained on" in result.stderr


@pytest.mark.parametrize("package", ["PIL", "numpy"])
def test_a_missing_package_exits_2_with_the_reason_and_the_fix(
    tmp_path, trained_model, query_images, stranger_env, package
):
    """As the bundle's README promises: no traceback on a machine without Pillow or NumPy."""
    bundle = tmp_path / "bundle"
    export_bundle(trained_model.path, bundle)
    without = (
        f"import runpy, sys\nsys.modules[{package!r}] = None\nsys.argv = sys.argv[1:]\n"
        "runpy.run_path(sys.argv[0], run_name='__main__')\n"
    )
    script = tmp_path / "without.py"
    script.write_text(without)
    result = run_python(
        [str(script), str(bundle / "predict.py"), str(query_images[0])], tmp_path, stranger_env
    )
    assert result.returncode == 2 and result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert f"the Python package '{package}' is not installed" in line and "pip install" in line

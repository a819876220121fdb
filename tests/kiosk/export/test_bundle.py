"""Model bundles: what they carry, that they are model folders too, and what they refuse."""

from __future__ import annotations

import json
import shutil
import stat
import zipfile
from pathlib import Path

import pytest

from kiosk.export import BadOutput, ExportError, OutputExists, export_bundle
from kiosk.export.bundle import CARRIED_MODULES, PREDICT_SOURCE
from kiosk.features import backbone as backbone_module
from kiosk.learning.model_dir import load_model
from tests.kiosk.learning.model_copies import without_open_set

REPO = Path(__file__).resolve().parents[3]


def test_folder_bundle_carries_verbatim_modules_and_is_a_model_folder(tmp_path, trained_model):
    bundle = tmp_path / "bundle"
    report = export_bundle(trained_model.path, bundle)
    assert report.labels == ("bar", "disc", "square")
    assert report.backbone_file == "efficientnet_lite0_fp32.tflite"
    files = sorted(str(p.relative_to(bundle)) for p in bundle.rglob("*") if p.is_file())
    assert files == sorted(report.files)
    assert set(CARRIED_MODULES.values()) == {
        REPO / "kiosk/features/runtime.py",
        REPO / "kiosk/features/graph.py",
        REPO / "kiosk/features/backbone.py",
        REPO / "kiosk/features/recipes.py",
        REPO / "kiosk/learning/linear_model.py",
        REPO / "kiosk/learning/image_folder.py",
        REPO / "kiosk/learning/open_set.py",
        REPO / "kiosk/learning/prediction.py",
        REPO / "kiosk/learning/anomaly.py",
        REPO / "kiosk/learning/heatmap.py",
        REPO / "kiosk/learning/anomaly_prediction.py",
    }
    for name, source in CARRIED_MODULES.items():
        assert (bundle / name).read_bytes() == source.read_bytes(), name
    assert (bundle / "predict.py").read_bytes() == PREDICT_SOURCE.read_bytes()
    assert (bundle / "predict.py").stat().st_mode & stat.S_IXUSR
    assert (bundle / "model.json").read_bytes() == (trained_model.path / "model.json").read_bytes()
    assert (bundle / "classifier.npz").read_bytes() == (trained_model.path / "classifier.npz").read_bytes()
    assert (bundle / "open_set.npz").read_bytes() == (trained_model.path / "open_set.npz").read_bytes()
    assert (bundle / report.backbone_file).read_bytes() == backbone_module.FP32_MODEL.read_bytes()
    assert (bundle / "labels.txt").read_text().splitlines() == list(report.labels)
    readme = (bundle / "README.md").read_text()
    assert all(f"- {label}" in readme for label in report.labels) and trained_model.backbone.sha256 in readme

    reopened = load_model(bundle)  # `teachbooth predict BUNDLE` works: the bundle is a model folder
    assert reopened.backbone_path() == bundle / report.backbone_file
    assert reopened.labels == trained_model.labels


def test_a_model_without_the_open_set_rule_exports_as_before(tmp_path, trained_model):
    bundle = tmp_path / "bundle"
    report = export_bundle(without_open_set(trained_model.path, tmp_path / "legacy"), bundle)
    assert "open_set.npz" not in report.files and not (bundle / "open_set.npz").exists()
    assert "trained without that rule and labels every image" in (bundle / "README.md").read_text()
    assert load_model(bundle).open_set is None


def test_zip_bundle_holds_the_same_files_under_one_folder(tmp_path, trained_model):
    folder, archive = tmp_path / "bundle", tmp_path / "shapes.zip"
    export_bundle(trained_model.path, folder)
    export_bundle(trained_model.path, archive)
    with zipfile.ZipFile(archive) as opened:
        infos = {info.filename: info for info in opened.infolist()}
        for name, info in infos.items():
            assert name.startswith("shapes/")
            assert opened.read(info) == (folder / name.removeprefix("shapes/")).read_bytes()
    assert sorted(infos) == sorted(
        f"shapes/{p.relative_to(folder)}" for p in folder.rglob("*") if p.is_file()
    )
    assert (infos["shapes/predict.py"].external_attr >> 16) & stat.S_IXUSR
    first = archive.read_bytes()
    export_bundle(trained_model.path, archive, force=True)
    assert archive.read_bytes() == first  # reproducible: the same model gives the same bytes


def edited_copy(trained_model, tmp_path: Path, **backbone) -> Path:
    folder = tmp_path / "edited"
    shutil.copytree(trained_model.path, folder)
    manifest = json.loads((folder / "model.json").read_text())
    manifest["backbone"].update(backbone)
    (folder / "model.json").write_text(json.dumps(manifest))
    return folder


@pytest.mark.parametrize(
    "change", [{"file": "mobilenet_v3.tflite"}, {"sha256": "0" * 64}], ids=["missing", "other-checksum"]
)
def test_a_model_without_its_backbone_is_refused(tmp_path, trained_model, change):
    folder = edited_copy(trained_model, tmp_path, **change)
    with pytest.raises(ExportError, match=r"no file with that checksum is here.*Retrain"):
        export_bundle(folder, tmp_path / "bundle")
    assert not (tmp_path / "bundle").exists()


def test_what_is_not_a_model_is_refused(tmp_path):
    with pytest.raises(ExportError, match="no such model folder"):
        export_bundle(tmp_path / "nowhere", tmp_path / "bundle")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ExportError, match="not a TeachBooth model"):
        export_bundle(tmp_path / "empty", tmp_path / "bundle.zip")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]


def test_existing_bundles_are_refused_or_replaced_with_force(tmp_path, trained_model):
    for out in (tmp_path / "bundle", tmp_path / "bundle.zip"):
        export_bundle(trained_model.path, out)
        before = sorted(out.rglob("*")) if out.is_dir() else out.read_bytes()
        with pytest.raises(OutputExists, match="--force"):
            export_bundle(trained_model.path, out)
        assert (sorted(out.rglob("*")) if out.is_dir() else out.read_bytes()) == before
        (out / "stale.txt" if out.is_dir() else tmp_path / "stale.txt").write_text("old")
        export_bundle(trained_model.path, out, force=True)
    assert not (tmp_path / "bundle" / "stale.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle", "bundle.zip", "stale.txt"]


def test_force_never_replaces_a_folder_that_is_no_bundle(tmp_path, trained_model):
    home = tmp_path / "home"
    (home / "photos").mkdir(parents=True)
    (home / "photos" / "holiday.jpg").write_bytes(b"memories")
    with pytest.raises(OutputExists, match="not a previous export"):
        export_bundle(trained_model.path, home, force=True)
    assert (home / "photos" / "holiday.jpg").read_bytes() == b"memories"
    with pytest.raises(BadOutput, match="does not exist"):
        export_bundle(trained_model.path, tmp_path / "no" / "bundle")

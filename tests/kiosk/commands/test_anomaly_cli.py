"""Anomaly mode end to end: train on good/ only, eval with defect folders, predict with heat maps,
and the exported bundle giving the same numbers and maps as `teachbooth predict`."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from kiosk.export import export_bundle
from teachbooth.cli import main
from testkit.defects import DEFECTS, parts, write_inspection_folder, write_parts
from tests.kiosk.export.test_bundle_predict import run_python, stranger_env  # noqa: F401 (fixture)


@pytest.fixture(scope="module")
def taught(tmp_path_factory):
    root = tmp_path_factory.mktemp("anomaly")
    write_parts(root / "train" / "good", parts(30, texture="fabric", defective=False, seed=1))
    test = write_inspection_folder(
        root / "test", good=8, defective=8, texture="fabric", seed=2, split_defects=True
    )
    assert main(["train", str(root / "train"), "--out", str(root / "model")]) == 0
    return root, test


def test_one_class_folder_trains_an_anomaly_model(taught):
    root, _ = taught
    manifest = json.loads((root / "model" / "model.json").read_text())
    assert manifest["kind"] == "anomaly" and manifest["labels"] == ["good"]
    assert manifest["training"]["good"] == 30 and manifest["training"]["threshold"] > 0
    assert (root / "model" / "anomaly.npz").is_file() and not (root / "model" / "classifier.npz").exists()


def test_eval_counts_every_other_folder_as_anomalies(capsys, taught):
    root, test = taught
    capsys.readouterr()
    assert main(["eval", str(root / "model"), str(test), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["count"] == 16 and set(report["per_class"]) == {"good", *DEFECTS}
    assert report["auroc"] >= 0.8 and 0.5 <= report["accuracy"] <= 1.0


def test_eval_needs_the_good_folder(capsys, taught, tmp_path):
    root, _ = taught
    write_parts(tmp_path / "data" / "crack", parts(2, texture="fabric", defective=True, seed=3))
    assert main(["eval", str(root / "model"), str(tmp_path / "data")]) == 2
    assert "no good/ folder" in capsys.readouterr().err


def predicted(capsys, model, images, heatmaps):
    capsys.readouterr()
    status = main(["predict", str(model), *map(str, images), "--json", "--heatmap", str(heatmaps)])
    return status, json.loads(capsys.readouterr().out)


def test_predict_gives_scores_labels_and_heat_maps_over_the_defect(capsys, taught, tmp_path):
    root, test = taught
    images = sorted((test / "spot").iterdir())[:1] + sorted((test / "good").iterdir())[:1]
    status, report = predicted(capsys, root / "model", images, tmp_path / "maps")
    assert status == 0 and report["errors"] == []
    spot, good = report["predictions"]
    assert list(spot) == ["image", "label", "anomaly_score", "threshold", "heatmap"]
    assert spot["label"] in ("good", "anomaly") and spot["anomaly_score"] > good["anomaly_score"]
    heat = np.asarray(Image.open(spot["heatmap"]), dtype=float)
    assert heat.shape == (224, 224, 3)
    redness = heat[..., 0] - heat[..., 1:].mean(axis=2)
    rendered = parts(8, texture="fabric", defective=True, seed=2)
    mask = next(part for part in rendered if part.defect == "spot").mask  # the first spot written
    assert redness[mask].mean() > redness[~mask].mean() + 10  # the map is hottest on the defect


def test_the_bundle_scores_and_paints_like_teachbooth_predict(capsys, taught, tmp_path, stranger_env):  # noqa: F811
    root, test = taught
    images = sorted((test / "crack").iterdir()) + sorted((test / "good").iterdir())[:2]
    _, reference = predicted(capsys, root / "model", images, tmp_path / "cli")
    bundle = export_bundle(root / "model", tmp_path / "bundle").path
    args = [
        str(bundle / "predict.py"),
        *map(str, images),
        "--json",
        "--heatmap",
        str(tmp_path / "bundle_maps"),
    ]
    done = run_python(args, tmp_path, stranger_env)
    assert done.returncode == 0, done.stderr
    mine = json.loads(done.stdout)["predictions"]
    assert [p["label"] for p in mine] == [p["label"] for p in reference["predictions"]]
    for ours, theirs in zip(mine, reference["predictions"], strict=True):
        assert ours["anomaly_score"] == pytest.approx(theirs["anomaly_score"], abs=1e-5)
        ours_map = np.asarray(Image.open(ours["heatmap"]), dtype=int)
        theirs_map = np.asarray(Image.open(theirs["heatmap"]), dtype=int)
        assert np.abs(ours_map - theirs_map).max() <= 1

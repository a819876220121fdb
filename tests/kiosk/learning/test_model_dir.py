import json
import shutil

import numpy as np
import pytest

from kiosk.features.backbone import INT8_MODEL, Backbone
from kiosk.learning import model_dir
from kiosk.learning.linear_model import LinearModel
from kiosk.learning.model_dir import ModelDirError, load_model, save_model
from kiosk.learning.open_set import OpenSetRule


@pytest.fixture
def classifier() -> LinearModel:
    rng = np.random.default_rng(0)
    return LinearModel(("a", "b", "c"), rng.normal(size=(3, 1280)), np.zeros(3), -np.ones(3), np.zeros(3))


def test_round_trip_keeps_labels_backbone_and_training_record(tmp_path, backbone, classifier):
    saved = save_model(tmp_path / "m", classifier, backbone, {"c": 1.0})
    loaded = load_model(tmp_path / "m")
    assert loaded.labels == ("a", "b", "c") and loaded.training == {"c": 1.0}
    assert loaded.backbone.sha256 == backbone.backbone_id == saved.backbone.sha256
    np.testing.assert_array_equal(loaded.classifier.coef, classifier.coef)
    assert loaded.backbone_path() == backbone.path
    loaded.check_backbone(backbone)
    assert loaded.open_backbone().backbone_id == backbone.backbone_id


def test_a_model_of_another_backbone_is_refused(tmp_path, backbone, classifier):
    load_model(save_model(tmp_path / "m", classifier, backbone).path)
    other = Backbone(INT8_MODEL)
    with pytest.raises(ModelDirError, match="Retrain"):
        load_model(tmp_path / "m").check_backbone(other)
    manifest = json.loads((tmp_path / "m" / "model.json").read_text())
    manifest["backbone"]["sha256"] = "0" * 64
    (tmp_path / "m" / "model.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelDirError, match="no file with that checksum"):
        load_model(tmp_path / "m").open_backbone()


def test_bundle_copy_of_the_backbone_is_found_first(tmp_path, backbone, classifier):
    saved = save_model(tmp_path / "m", classifier, backbone)
    shutil.copy(backbone.path, tmp_path / "m" / backbone.path.name)
    assert load_model(saved.path).backbone_path() == tmp_path / "m" / backbone.path.name


def test_classifier_of_the_wrong_width_is_refused(tmp_path, backbone):
    small = LinearModel(("a", "b"), np.ones((1, 8)), np.zeros(1), -np.ones(1), np.zeros(1))
    with pytest.raises(ModelDirError, match="1280"):
        save_model(tmp_path / "m", small, backbone)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: (d / "model.json").unlink(), "no model.json"),
        (lambda d: (d / "model.json").write_text("{not json"), "unreadable"),
        (lambda d: (d / "model.json").write_text('{"format": "something-else"}'), "not a TeachBooth model"),
        (lambda d: (d / "classifier.npz").unlink(), "no classifier file"),
        (lambda d: (d / "classifier.npz").write_bytes(b"\x00" * 50), "unreadable classifier"),
        (lambda d: _edit(d, lambda m: m.update(labels=["x", "y", "z"])), "labels do not match"),
        (lambda d: _edit(d, lambda m: m.update(version=model_dir.VERSION + 1)), "version"),
        (lambda d: _edit(d, lambda m: m.pop("backbone")), "malformed"),
    ],
)
def test_damaged_model_folders_are_refused_with_a_reason(tmp_path, backbone, classifier, damage, message):
    folder = save_model(tmp_path / "m", classifier, backbone).path
    damage(folder)
    with pytest.raises(ModelDirError, match=message):
        load_model(folder)


def open_set_rule(dim: int = 1280) -> OpenSetRule:
    return OpenSetRule(np.eye(3, dim, dtype=np.float32), neighbours=2, max_distance=0.5, min_confidence=0.6)


def test_the_open_set_rule_is_saved_beside_the_classifier(tmp_path, backbone, classifier):
    save_model(tmp_path / "m", classifier, backbone, open_set=open_set_rule())
    assert json.loads((tmp_path / "m" / "model.json").read_text())["open_set"] == "open_set.npz"
    loaded = load_model(tmp_path / "m").open_set
    assert loaded is not None and (loaded.neighbours, loaded.reference.shape) == (2, (3, 1280))
    np.testing.assert_array_equal(loaded.reference, np.eye(3, 1280))


def test_a_model_saved_before_the_rule_existed_has_none(tmp_path, backbone, classifier):
    folder = save_model(tmp_path / "m", classifier, backbone).path
    assert "open_set" not in json.loads((folder / "model.json").read_text())
    assert not (folder / "open_set.npz").exists()
    assert load_model(folder).open_set is None


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: (d / "open_set.npz").unlink(), "no open-set rule file"),
        (lambda d: (d / "open_set.npz").write_bytes(b"\x00" * 50), "unreadable open-set rule"),
        (lambda d: open_set_rule(dim=8).save(d / "open_set.npz"), "does not fit"),
    ],
)
def test_damaged_open_set_rules_are_refused(tmp_path, backbone, classifier, damage, message):
    folder = save_model(tmp_path / "m", classifier, backbone, open_set=open_set_rule()).path
    damage(folder)
    with pytest.raises(ModelDirError, match=message):
        load_model(folder)
    with pytest.raises(ModelDirError, match="does not fit"):
        save_model(tmp_path / "other", classifier, backbone, open_set=open_set_rule(dim=8))


def test_missing_folder_is_refused(tmp_path):
    with pytest.raises(ModelDirError, match="no such model folder"):
        load_model(tmp_path / "nothing")


def _edit(folder, change) -> None:
    manifest = json.loads((folder / "model.json").read_text())
    change(manifest)
    (folder / "model.json").write_text(json.dumps(manifest))

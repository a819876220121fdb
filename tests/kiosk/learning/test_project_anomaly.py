"""A one-class kiosk project teaches an anomaly model from its real photos, on the real backbone."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.learning.anomaly_training import MIN_GOOD
from kiosk.learning.config import TrainingConfig
from kiosk.learning.model_dir import load_model
from kiosk.learning.project_anomaly import (
    anomaly_refusal,
    is_anomaly_project,
    train_project_anomaly,
)
from kiosk.learning.training_run import TrainingRun
from kiosk.live.prediction import read_part
from kiosk.store import Project
from testkit.defects import parts


def rgb(grey: np.ndarray) -> np.ndarray:
    return np.repeat(grey[..., None], 3, axis=2)


@pytest.fixture
def project(tmp_path):
    with Project.open(tmp_path / "project") as opened:
        yield opened


def test_one_class_is_an_anomaly_project_and_needs_enough_good_photos(project):
    good = project.add_class("good casting")
    assert is_anomaly_project(project)
    for part in parts(MIN_GOOD - 2, texture="casting", defective=False):
        project.add_sample(rgb(part.image), good.id, "camera")
    assert anomaly_refusal(project) == (
        f"Teaching from good parts needs at least {MIN_GOOD} photos of good casting: take 2 more."
    )
    for part in parts(2, texture="casting", defective=False, seed=1):
        project.add_sample(rgb(part.image), good.id, "camera")
    assert anomaly_refusal(project) is None
    project.add_class("scratched")
    assert not is_anomaly_project(project)


def test_training_records_a_current_anomaly_model_of_the_real_photos_only(project, backbone):
    good = project.add_class("good casting")
    for part in parts(24, texture="casting", defective=False):
        project.add_sample(rgb(part.image), good.id, "camera")
    odd = rgb(parts(1, texture="metal", defective=False)[0].image)
    made = project.add_sample(odd, good.id, "generated", recipe={"backend": "test"}, accepted=True)
    seen = []
    trained = train_project_anomaly(project, backbone, progress=lambda *step: seen.append(step))
    assert seen[0] == ("features", 1, 24) and seen[-1] == ("training", 1, 1)
    assert (
        trained.version.current and trained.version.id == project.latest_good_model(backbone.backbone_id).id
    )
    assert made.id not in trained.model.training["photos"] and len(trained.model.training["photos"]) == 24
    loaded = load_model(trained.version.path)
    assert loaded.anomaly is not None and loaded.labels == ("good casting",)
    assert 0.8 <= trained.good_kept <= 1.0
    assert "from 24 photos of good casting" in trained.words()
    scores = [
        read_part(loaded, backbone, rgb(p.image)).score for p in parts(8, texture="casting", defective=True)
    ]
    fresh = [
        read_part(loaded, backbone, rgb(p.image)).score
        for p in parts(8, texture="casting", defective=False, seed=9)
    ]
    assert np.median(scores) > np.median(fresh)


def test_the_train_step_teaches_a_one_class_project_from_good_parts_and_reports_false_alarms(
    project, backbone
):
    good = project.add_class("good casting")
    for part in parts(12, texture="casting", defective=False):
        project.add_sample(rgb(part.image), good.id, "camera")
    seen = []
    first = TrainingRun(project, backbone, TrainingConfig(augmentation="off")).run(seen.append)
    assert [p.stage for p in seen][-1] == "training" and seen[-1].fraction == 1.0
    assert first.labels == () and first.confusion == () and first.misses == ()
    [score] = first.per_class
    assert (score.label, score.photos) == ("good casting", 12) and score.accuracy == first.accuracy
    assert first.accuracy_words.startswith("Learned what good looks like from 12 photos of good casting.")
    assert load_model(project.latest_good_model().path).anomaly is not None
    assert first.changes is None  # the project's first model
    for part in parts(3, texture="casting", defective=False, seed=4):
        project.add_sample(rgb(part.image), good.id, "camera")
    second = TrainingRun(project, backbone).run()
    assert second.changes is not None and second.changes.previous == first.model_id
    assert second.changes.photos_added == 3 and second.previous == first.model_id

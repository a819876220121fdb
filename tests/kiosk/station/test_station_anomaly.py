"""The station with a model taught from good parts only: on the replay footage, a one-class project
of ball photos trained by the Train step's run; every part gets a verdict with its anomaly score,
the ball is good, the box and the cup are anomalies, and each verdict's heat map is saved."""

from __future__ import annotations

import pytest

from kiosk.learning.model_dir import load_model
from kiosk.learning.training_run import TrainingRun
from kiosk.station.csv_log import read_rows
from kiosk.store import Project
from tests.kiosk.conftest import capture_footage
from tests.kiosk.station.test_station import run_to_the_end


@pytest.fixture(scope="module")
def good_ball_model(tmp_path_factory, backbone):
    with Project.open(tmp_path_factory.mktemp("good-balls") / "project") as project:
        capture_footage(project, {"ball": project.add_class("ball")}, every=2)
        TrainingRun(project, backbone).run()
        return load_model(project.latest_good_model(backbone.backbone_id).path)


def test_each_part_gets_good_or_anomaly_with_its_score_and_heat_map(settings_for, good_ball_model, backbone):
    settings = settings_for(heat_maps=True)
    seen = []
    run_to_the_end(settings, good_ball_model, backbone, on_verdict=seen.append)
    assert [v.label for v in seen] == ["good", "anomaly", "anomaly"]  # ball, box, cup
    assert all(v.score is None and v.probabilities == {} and v.reason is None for v in seen)
    ball, box, cup = (v.anomaly_score for v in seen)
    assert ball < good_ball_model.anomaly.threshold < min(box, cup)
    for verdict in seen:
        assert (settings.state_dir / verdict.heat_map).is_file()
    rows = read_rows(settings.log_path)
    assert [float(row["anomaly_score"]) for row in rows] == pytest.approx([ball, box, cup], rel=1e-5)

"""Fixtures of the station's tests: a model really trained on the replay footage's three objects,
and the station's settings for a run over that footage."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.features.backbone import Backbone
from kiosk.learning.model_dir import load_model
from kiosk.learning.project_training import train_project
from kiosk.station.config import StationSettings
from kiosk.store import Project
from tests.kiosk.conftest import REPLAY, capture_footage
from tools.render_replay import OBJECTS

PARTS = tuple(OBJECTS)
"""The footage's parts in the order they are shown: ball, box, cup."""


@pytest.fixture(scope="session")
def backbone() -> Backbone:
    return Backbone()


@pytest.fixture(scope="session")
def footage_model(tmp_path_factory, backbone) -> Path:
    """A model folder trained, as the Capture step keeps photos, on five frames of each object."""
    with Project.open(tmp_path_factory.mktemp("station-training") / "project") as project:
        capture_footage(project, {name: project.add_class(name) for name in PARTS})
        train_project(project, backbone)
        return project.latest_good_model(backbone.backbone_id).path


@pytest.fixture
def settings_for(tmp_path, footage_model):
    """Station settings over `frames` (a replay folder, the footage by default), played once, as fast
    as the station reads, so every run sees the same frames."""

    def make(frames: Path = REPLAY, **overrides) -> StationSettings:
        return StationSettings(
            **{
                "camera": f"replay:{frames}?fps=0&loop=0",
                "model": footage_model,
                "station_id": "s1",
                "state_dir": tmp_path / "station",
            }
            | overrides
        )

    return make


@pytest.fixture
def loaded_model(footage_model):
    return load_model(footage_model)

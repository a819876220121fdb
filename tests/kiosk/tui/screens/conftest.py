"""Fixtures of the step screens' tests: a kiosk session on a real broker, the app on a kiosk whose
worker holds its job mid-way, and a project with a model really trained on the replay footage."""

from __future__ import annotations

import pytest

from kiosk.generation.expansion import Expansion
from kiosk.learning.project_training import train_project
from kiosk.session import KioskSession
from kiosk.tui.app import TeachBoothApp
from kiosk.tui.config import KioskSettings
from kiosk.tui.screens.expand import EXPANSION
from testkit.jobs import GatedBackend
from tests.kiosk.conftest import REPLAY, capture_footage
from tests.kiosk.generation.policies import only
from tests.kiosk.tui.photos import eventually


@pytest.fixture
def broker_session(project, mosquitto, tmp_path):
    made = KioskSession(
        project, camera_spec=f"replay:{REPLAY}?fps=0", broker_url=mosquitto.url, kiosk_id="k1"
    )
    yield made
    made.close()


@pytest.fixture
def gated_kiosk(project, mosquitto, broker_session, workers):
    """The app on a kiosk whose one worker runs the gated backend: it sends the first picture, then
    holds the job until the test opens the gate, so the test acts while the job is provably running."""
    gated = GatedBackend()
    worker = workers(mosquitto.url, backends={"gated": gated})
    client = broker_session.jobs
    eventually(lambda: client.workers_online() == ["w1"], what="the kiosk seeing w1")
    broker_session.keep(EXPANSION, lambda: Expansion(project, client, policy=only("gated")))
    yield TeachBoothApp(broker_session, KioskSettings(coach=False)), gated, worker
    gated.gate.set()


@pytest.fixture
def trained(project, session):
    """A model trained on photos as the Capture step keeps them: the masker's crops and masks."""
    ball, box = project.add_class("ball"), project.add_class("box")
    capture_footage(project, {"ball": ball, "box": box})
    train_project(project, session.backbone)
    return ball, box

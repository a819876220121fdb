"""Fixtures of the kiosk app's tests: a real project in a temporary folder, the committed replay
footage as the camera, and the app at the Pi display's size."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.store import Project
from kiosk.tui.app import TeachBoothApp
from kiosk.tui.config import KioskSettings
from kiosk.tui.session import KioskSession

REPLAY = Path(__file__).resolve().parents[3] / "kiosk" / "samples" / "replay"
SIZE = (100, 30)


@pytest.fixture
def project(tmp_path) -> Iterator[Project]:
    with Project.open(tmp_path / "project") as opened:
        yield opened


@pytest.fixture
def session(project) -> Iterator[KioskSession]:
    made = KioskSession(project, camera_spec=f"replay:{REPLAY}?fps=0")
    yield made
    made.close()


@pytest.fixture
def make_app(session):
    """The app on the test session; keyword arguments become its KioskSettings."""

    def make(**settings) -> TeachBoothApp:
        return TeachBoothApp(session, KioskSettings(**settings))

    return make

"""Fixtures of the kiosk app's tests: a real project in a temporary folder, the committed replay
footage as the camera, and the app at the Pi display's size."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from kiosk.masking import ObjectMasker
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


def rendered_frame_masker() -> ObjectMasker:
    """The real masking pipeline minus MediaPipe, which cannot see people in rendered frames: the
    replay footage has nobody in view and no hands, which is what these stand-ins say."""
    return ObjectMasker(
        segmenter=lambda small: np.zeros(small.shape[:2], np.float32), hand_finder=lambda small: []
    )


@pytest.fixture
def session(project) -> Iterator[KioskSession]:
    made = KioskSession(project, camera_spec=f"replay:{REPLAY}?fps=0", masker_factory=rendered_frame_masker)
    yield made
    made.close()


@pytest.fixture
def make_app(session):
    """The app on the test session; keyword arguments become its KioskSettings."""

    def make(**settings) -> TeachBoothApp:
        return TeachBoothApp(session, KioskSettings(**settings))

    return make

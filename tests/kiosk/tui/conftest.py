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
REPLAY_FPS = 15
"""A camera's pace: as-fast-as-possible would hold the GIL and starve the event loop under test."""


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
    made = KioskSession(
        project, camera_spec=f"replay:{REPLAY}?fps={REPLAY_FPS}", masker_factory=rendered_frame_masker
    )
    yield made
    made.close()


@pytest.fixture
def make_app(session):
    """The app on the test session; keyword arguments become its KioskSettings. The coach panel is
    off unless a test turns it on: it embeds and cross-validates on a worker thread, which tests of
    the other widgets need not pay for."""

    def make(clock=None, **settings) -> TeachBoothApp:
        extra = {} if clock is None else {"clock": clock}
        return TeachBoothApp(session, KioskSettings(**({"coach": False} | settings)), **extra)

    return make

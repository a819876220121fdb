"""Fixtures of the kiosk's tests: a real project in a temporary folder and a session on the committed
replay footage, shared by the application layer's tests and the app's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from kiosk.masking import ObjectMasker
from kiosk.session import KioskSession
from kiosk.store import Project
from tests.kiosk.tui.photos import start_worker
from tools.render_replay import frames_with

REPLAY = Path(__file__).resolve().parents[2] / "kiosk" / "samples" / "replay"
REPLAY_FPS = 15
"""A camera's pace: as-fast-as-possible would hold the GIL and starve the event loop under test."""


def replay_frame(name: str, into: int = 4) -> Path:
    """The footage's frame `into` frames after object `name` ("ball", "box", "cup") appears."""
    return REPLAY / f"frame_{frames_with(name)[into]:03d}.jpg"


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
def workers():
    """Start in-process workers (`start_worker`: returned once online); all stopped at the end."""
    started = []

    def make(url: str, worker_id: str = "w1", backends=None):
        service = start_worker(url, worker_id, backends)
        started.append(service)
        return service

    yield make
    for service in started:
        service.stop(timeout_s=1)

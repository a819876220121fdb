"""Fixtures of the kiosk's tests: a real project in a temporary folder and a session on the committed
replay footage, shared by the application layer's tests and the app's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from kiosk.live.view import kept_sample
from kiosk.masking import ObjectMasker
from kiosk.session import KioskSession
from kiosk.store import ClassInfo, Project
from tests.kiosk.tui.photos import start_worker
from tools.render_replay import frames_with

REPLAY = Path(__file__).resolve().parents[2] / "kiosk" / "samples" / "replay"
REPLAY_FPS = 15
"""A camera's pace: as-fast-as-possible would hold the GIL and starve the event loop under test."""


def capture_footage(project: Project, classes: dict[str, ClassInfo], every: int = 3, first: int = 14) -> None:
    """Keep photos of the footage's objects as the Capture step does: the masker's crops and masks
    of every `every`-th of the first `first` frames of each object named in `classes` ("ball", "box",
    "cup"), the frames read in order so the masker learns the empty stage first."""
    chosen = {index: classes[name] for name in classes for index in frames_with(name)[:first:every]}
    masker = rendered_frame_masker()
    for index in range(max(chosen) + 1):
        result = masker.capture(np.asarray(Image.open(REPLAY / f"frame_{index:03d}.jpg").convert("RGB")))
        if index in chosen:
            kept = kept_sample(result)
            assert kept is not None, index
            project.add_sample(kept.image, chosen[index], "camera", mask=kept.mask)


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

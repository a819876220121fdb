"""Snapshots of the shell's steps at the Pi display's size (100x30), and checks at 80x24 and
160x48 that nothing a visitor needs is cut off or smaller than a finger.

Deterministic by construction: the camera replays one still frame, the masker's background is
learned from the footage's empty frame first and a stand-in visitor's elbow at the bottom edge
keeps it from absorbing the object, so every preview is the same picture with the same mask; the
app's clock is frozen, so the FPS reads "-- fps". The trained model's answer is frozen too: the
backbone's floats differ in their last bits between CPUs (XNNPACK picks kernels per instruction
set), enough to turn "90% sure" into "91% sure" on another machine; its open-set verdict, which
comes from the same floats, is frozen as "the label stands".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from kiosk.camera import make_camera
from kiosk.learning.config import TrainingConfig
from kiosk.learning.project_training import train_project
from kiosk.masking import ObjectMasker
from kiosk.session import KioskSession
from kiosk.tui.app import TeachBoothApp
from kiosk.tui.config import KioskSettings
from kiosk.tui.screens import try_it
from tests.kiosk.conftest import REPLAY, replay_frame
from tests.kiosk.tui.conftest import SIZE
from tests.kiosk.tui.pilot_helpers import wait_until

EMPTY_FRAME, BALL_FRAME, BOX_FRAME = REPLAY / "frame_000.jpg", replay_frame("ball"), replay_frame("box")
SIZES = [(80, 24), SIZE, (160, 48)]


def still_scene_masker() -> ObjectMasker:
    elbow_rows = 40  # of 240 working rows: a visitor at the bottom edge, never near the object

    def segmenter(small: np.ndarray) -> np.ndarray:
        person = np.zeros(small.shape[:2], np.float32)
        person[-elbow_rows * small.shape[0] // 240 :, :40] = 1.0
        return person

    masker = ObjectMasker(segmenter=segmenter, hand_finder=lambda small: [])
    with make_camera(f"replay:{EMPTY_FRAME}").open() as camera:
        empty = camera.read().image
    masker.preview(empty, person=np.zeros(empty.shape[:2], np.float32), hands=[])
    return masker


@pytest.fixture
def still_session(project) -> Iterator[KioskSession]:
    session = KioskSession(
        project, camera_spec=f"replay:{BALL_FRAME}?fps=15", masker_factory=still_scene_masker
    )
    yield session
    session.close()


def frozen_app(session: KioskSession) -> TeachBoothApp:
    return TeachBoothApp(session, KioskSettings(coach=False), clock=lambda: 0.0)


def fruit_classes(project, photos: int = 0):
    ball, box = project.add_class("ball"), project.add_class("box")
    for info, frame in ((ball, BALL_FRAME), (box, BOX_FRAME)):
        for _ in range(photos):
            project.add_sample(Image.open(frame), info, "camera")
    return ball, box


async def show_step(pilot, key: str) -> None:
    pilot.app.goto_step(key)
    await pilot.pause()
    screen = pilot.app.screen
    if hasattr(screen, "frames_shown"):
        await wait_until(pilot, lambda: screen.frames_shown >= 3, timeout=60)
    if screen.query("#thumbs"):  # photos are read on a worker thread: wait until they are up
        await wait_until(pilot, lambda: bool(screen.query("#thumbs > *")))
    pilot.app.screen.set_focus(None)  # no blinking cursor in the picture
    await pilot.pause()


def test_classes_step(snap_compare, still_session, project):
    fruit_classes(project)
    app = frozen_app(still_session)
    assert snap_compare(app, terminal_size=SIZE, run_before=lambda pilot: show_step(pilot, "classes"))


def test_capture_step_with_the_mask_overlay(snap_compare, still_session, project):
    fruit_classes(project, photos=2)
    app = frozen_app(still_session)
    assert snap_compare(app, terminal_size=SIZE, run_before=lambda pilot: show_step(pilot, "capture"))


FROZEN_PROBABILITIES = (0.9, 0.1)
"""The Try step's answer in the snapshot (ball, box): the real model's, rounded for every CPU."""


@pytest.fixture
def frozen_answers(monkeypatch) -> None:
    """The Try step shows the real model's answer with its probabilities replaced by fixed ones and
    its label standing."""
    real_answer = try_it.answer

    def frozen(*args, **kwargs) -> try_it.Answer:
        found = real_answer(*args, **kwargs)
        assert found.seen and len(found.labels) == len(FROZEN_PROBABILITIES)
        return replace(found, probabilities=FROZEN_PROBABILITIES, rejection=None)

    monkeypatch.setattr(try_it, "answer", frozen)


def test_try_step_with_a_trained_model(snap_compare, still_session, project, frozen_answers):
    fruit_classes(project, photos=3)
    train_project(project, still_session.backbone, TrainingConfig(augmentation="off"))
    app = frozen_app(still_session)
    assert snap_compare(app, terminal_size=SIZE, run_before=lambda pilot: show_step(pilot, "try"))


ESSENTIAL = {
    "classes": ["#hint", "#class-name", "#class-add", ".class-row", "#nav-back", "#nav-next", "#status-bar"],
    "capture": ["#hint", ".pick", "#preview", "#record", ".thumb", "#nav-next", "#status-bar"],
    "try": ["#hint", "#try-preview", "#try-bars", "#try-saliency", ".correct", "#nav-back", "#status-bar"],
}


@pytest.mark.asyncio
async def test_nothing_essential_is_cut_off_or_too_small_to_tap(still_session, project):
    fruit_classes(project, photos=3)
    train_project(project, still_session.backbone, TrainingConfig(augmentation="off"))
    for size in SIZES:
        app = frozen_app(still_session)
        async with app.run_test(size=size) as pilot:
            for key, selectors in ESSENTIAL.items():
                await show_step(pilot, key)
                screen = app.screen.region
                for selector in selectors:
                    widget = app.screen.query(selector).first()
                    region = widget.region
                    where = f"{key}: {selector} at {size[0]}x{size[1]}"
                    assert region.area and screen.contains_region(region), f"{where} is cut off"
                    if widget.can_focus or selector == ".class-row":
                        assert region.height >= 3, f"{where} is {region.height} rows high"

"""Step 5: live prediction on the replay footage with a really trained model, corrections, saliency."""

from __future__ import annotations

import pytest
from PIL import Image

from kiosk.learning.project_training import train_project
from kiosk.tui.screens.try_it import TryScreen
from tests.kiosk.conftest import REPLAY
from tests.kiosk.tui.conftest import SIZE
from tests.kiosk.tui.pilot_helpers import shown, tap, wait_until

pytestmark = pytest.mark.asyncio

# Frames of the replay footage (tools/render_replay.py): 6 empty, 14 red ball, 6 empty, 14 blue box.
BALL_FRAMES = range(6, 20, 3)
BOX_FRAMES = range(26, 40, 3)


@pytest.fixture
def trained(project, session):
    ball, box = project.add_class("ball"), project.add_class("box")
    for info, frames in ((ball, BALL_FRAMES), (box, BOX_FRAMES)):
        for index in frames:
            project.add_sample(Image.open(REPLAY / f"frame_{index:03d}.jpg"), info, "camera")
    train_project(project, session.backbone)
    return ball, box


async def test_live_answers_a_correction_and_the_saliency_view(make_app, project, trained):
    _, box = trained
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.goto_step("try")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TryScreen)
        await wait_until(pilot, lambda: screen.frames_shown >= 2, timeout=30)
        bars = shown(screen.query_one("#try-bars"))
        assert "ball" in bars and "box" in bars and "%" in bars, bars
        assert abs(sum(screen.latest.probabilities) - 1.0) < 1e-6
        before = len(project.samples(class_id=box.id))
        await tap(pilot, f"#correct-{box.id}")
        assert len(project.samples(class_id=box.id)) == before + 1
        assert "Added as a photo of box" in shown(screen.query_one("#try-correct-label"))
        await tap(pilot, "#try-saliency")
        await wait_until(pilot, lambda: "Red: what made it say" in shown(screen.query_one("#try-answer")))
        assert screen.frozen
        await tap(pilot, "#try-saliency")
        assert not screen.frozen


async def test_without_a_model_it_says_to_train_first(make_app, project):
    project.add_class("ball")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.goto_step("try")
        await pilot.pause()
        screen = app.screen
        await wait_until(pilot, lambda: "no trained model" in shown(screen.query_one("#try-answer")))
        assert screen.query_one("#try-saliency").disabled

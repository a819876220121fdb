"""Step 5: live prediction on the replay footage with a really trained model, corrections, saliency,
and the answers a visitor can trust: "I don't see anything", "Not sure", "I don't know this one"."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from kiosk.learning.project_training import train_project
from kiosk.live.view import kept_sample
from kiosk.tui.screens.try_it import TryScreen
from tests.kiosk.conftest import REPLAY, rendered_frame_masker
from tests.kiosk.learning.model_copies import change_open_set
from tests.kiosk.tui.conftest import SIZE
from tests.kiosk.tui.pilot_helpers import shown, tap, wait_until
from tools.render_replay import frames_with

pytestmark = pytest.mark.asyncio

# Frames of the replay footage (tools/render_replay.py) with the red ball, and with the blue box.
BALL_FRAMES = frames_with("ball")[:14:3]
BOX_FRAMES = frames_with("box")[:14:3]


@pytest.fixture
def trained(project, session):
    """A model trained on photos as the Capture step keeps them: the masker's crops and masks."""
    ball, box = project.add_class("ball"), project.add_class("box")
    classes = {index: ball for index in BALL_FRAMES} | {index: box for index in BOX_FRAMES}
    masker = rendered_frame_masker()
    for index in range(max(classes) + 1):  # in order, so the masker learns the empty stage first
        result = masker.capture(np.asarray(Image.open(REPLAY / f"frame_{index:03d}.jpg").convert("RGB")))
        if index in classes:
            kept = kept_sample(result)
            assert kept is not None, index
            project.add_sample(kept.image, classes[index], "camera", mask=kept.mask)
    train_project(project, session.backbone)
    return ball, box


def current_model_dir(project, session):
    return project.latest_good_model(session.backbone.backbone_id).path


async def open_try(pilot) -> TryScreen:
    pilot.app.goto_step("try")
    await pilot.pause()
    assert isinstance(pilot.app.screen, TryScreen)
    return pilot.app.screen


def answer_text(screen) -> str:
    return shown(screen.query_one("#try-answer"))


async def test_live_answers_a_correction_and_the_saliency_view(make_app, project, trained):
    _, box = trained
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_try(pilot)
        # Shown the ball it was taught, the real model and its open-set rule let the label stand.
        await wait_until(pilot, lambda: "It's ball!" in answer_text(screen), timeout=30)
        bars = shown(screen.query_one("#try-bars"))
        assert "ball" in bars and "box" in bars and "%" in bars, bars
        assert abs(sum(screen.latest.probabilities) - 1.0) < 1e-6
        before = len(project.samples(class_id=box.id))
        await tap(pilot, f"#correct-{box.id}")
        assert len(project.samples(class_id=box.id)) == before + 1
        assert "Added as a photo of box" in shown(screen.query_one("#try-correct-label"))
        await tap(pilot, "#try-saliency")
        await wait_until(pilot, lambda: "what made it say" in shown(screen.query_one("#try-answer")), timeout=60)
        assert not shown(screen.query_one("#try-answer")).startswith("Red"), "red is invisible on the ball"
        assert screen.frozen
        await tap(pilot, "#try-saliency")
        assert not screen.frozen


async def test_an_empty_stage_is_nothing_and_a_close_call_is_not_sure(make_app, project, session, trained):
    _, box = trained
    # No answer is sure enough for this copy, and none is too far from the photos.
    change_open_set(current_model_dir(project, session), min_confidence=1.0, max_distance=4.0)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_try(pilot)
        # The footage opens on the empty stage: the masker learns it and says nothing is there.
        await wait_until(pilot, lambda: "I don't see anything" in answer_text(screen), timeout=30)
        assert shown(screen.query_one("#try-bars")).strip() == ""
        assert screen.latest is None and screen.query_one(f"#correct-{box.id}").disabled
        await wait_until(pilot, lambda: "Not sure: is it" in answer_text(screen), timeout=30)
        headline = answer_text(screen)
        assert "ball" in headline and "box" in headline and "?" in headline, headline
        bars = shown(screen.query_one("#try-bars"))
        assert "ball" in bars and "box" in bars and "%" in bars, bars  # what it would have said
        assert screen.latest.rejection.reason == "unsure"
        await tap(pilot, f"#correct-{box.id}")  # a doubtful answer is what a correction is for
        assert "Added as a photo of box" in shown(screen.query_one("#try-correct-label"))


async def test_an_object_unlike_every_photo_is_unknown(make_app, project, session, trained):
    change_open_set(current_model_dir(project, session), max_distance=1e-6)  # nothing is near enough
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_try(pilot)
        await wait_until(pilot, lambda: "I don't know this one" in answer_text(screen), timeout=30)
        assert screen.latest.rejection.reason == "unknown"
        assert "%" in shown(screen.query_one("#try-bars"))


async def test_without_a_model_it_says_to_train_first(make_app, project):
    project.add_class("ball")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_try(pilot)
        await wait_until(pilot, lambda: "no trained model" in shown(screen.query_one("#try-answer")))
        assert screen.query_one("#try-saliency").disabled

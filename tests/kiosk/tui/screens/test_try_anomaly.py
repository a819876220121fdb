"""Steps 4 and 5 with a one-class project: the Train step teaches an anomaly model from the good
parts (ball photos from the replay footage), and on the footage it says a ball looks good, flags
what is unlike it, and the live preview shows the heat map over the frame it judged."""

from __future__ import annotations

from collections import deque

import numpy as np
import pytest
from PIL import Image

from kiosk.learning.model_dir import load_model
from kiosk.learning.training_run import TrainingRun
from kiosk.live.view import kept_sample
from kiosk.tui.screens import try_it
from kiosk.tui.screens.train import TrainScreen
from tests.kiosk.conftest import REPLAY, rendered_frame_masker
from tests.kiosk.tui.conftest import SIZE
from tests.kiosk.tui.pilot_helpers import shown, wait_until
from tools.render_replay import frames_with

pytestmark = pytest.mark.asyncio


def text(app, selector: str) -> str:
    return " ".join(shown(app.screen.query_one(selector)).split())


GOOD_FRAMES = frames_with("ball")[:14:2]


@pytest.fixture
def good_balls(project):
    """A one-class project of ball photos as Capture keeps them: the masker's crops and masks."""
    good = project.add_class("ball")
    masker = rendered_frame_masker()
    for index in range(max(GOOD_FRAMES) + 1):  # in order, so the masker learns the empty stage first
        result = masker.capture(np.asarray(Image.open(REPLAY / f"frame_{index:03d}.jpg").convert("RGB")))
        if index in GOOD_FRAMES:
            kept = kept_sample(result)
            project.add_sample(kept.image, good.id, "camera", mask=kept.mask)
    return good


async def test_the_train_step_teaches_the_good_parts_of_a_one_class_project(make_app, project, good_balls):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.goto_step("train")
        await wait_until(
            pilot, lambda: isinstance(app.screen, TrainScreen) and bool(app.screen.query("#train-start"))
        )
        await pilot.click("#train-start")
        await wait_until(pilot, lambda: "Trained." in text(app, "#train-status"), timeout=60)
        assert f"from {len(GOOD_FRAMES)} photos of ball" in text(app, "#train-status")
        assert text(app, "#train-comparison").startswith("Taught from good parts only")
        assert "ball" in text(app, "#train-class-bars")
        await wait_until(pilot, lambda: not app.screen.query_one("#train-start").disabled)
        await pilot.click("#nav-next")
        await pilot.pause()
        assert app.current_step == "try"
    assert load_model(project.latest_good_model().path).anomaly is not None


async def test_the_ball_looks_good_an_anomaly_shows_its_score_and_its_heat_over_the_frame(
    make_app, project, session, good_balls, monkeypatch
):
    TrainingRun(project, session.backbone).run()  # what the Train step runs (test above)
    made: deque[tuple[Image.Image, bool]] = deque(maxlen=60)
    """The live loop's latest previews, each with whether heat_over painted on it."""
    real = try_it.heat_over

    def spy(preview, found, frame_size):
        image = real(preview, found, frame_size)
        made.append((image, not np.array_equal(np.asarray(image), np.asarray(preview))))
        return image

    monkeypatch.setattr(try_it, "heat_over", spy)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        pilot.app.goto_step("try")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, try_it.TryScreen)

        def answer() -> str:
            return " ".join(shown(screen.query_one("#try-answer")).split())

        await wait_until(pilot, lambda: "Looks good." in answer(), timeout=30)
        assert "unusual" in shown(screen.query_one("#try-bars"))
        await wait_until(pilot, lambda: "Anomaly (score" in answer(), timeout=60)
        # No await from here on: the screen cannot move on to another frame while it is checked.
        flagged, preview = screen.latest, screen.query_one("#try-preview").image
        assert flagged.unusual.flagged and flagged.unusual.score > flagged.unusual.threshold
        assert [heat for image, heat in made if image is preview] == [True]  # the heat is on the frame shown
        assert "good parts stay under" in answer()
        bars = shown(screen.query_one("#try-bars"))
        assert "unusual" in bars and f"{flagged.unusual.score:.2f}" in bars, bars

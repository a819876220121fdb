"""Step 5 with a model taught from good parts only: on the replay footage, a real anomaly model that
knows the ball says a ball looks good and flags what is unlike it, and the live preview shows the
heat map over the frame it judged."""

from __future__ import annotations

from collections import deque

import numpy as np
import pytest
from PIL import Image

from kiosk.learning.anomaly_training import fit_anomaly
from kiosk.learning.model_dir import save_anomaly_model
from kiosk.live.view import kept_sample
from kiosk.tui.screens import try_it
from tests.kiosk.conftest import REPLAY, rendered_frame_masker
from tests.kiosk.tui.conftest import SIZE
from tests.kiosk.tui.pilot_helpers import shown, wait_until
from tools.render_replay import frames_with

pytestmark = pytest.mark.asyncio

GOOD_FRAMES = frames_with("ball")[:14:2]


@pytest.fixture
def good_balls(project, session):
    """A one-class project of ball photos as Capture keeps them, and its anomaly model as current."""
    good = project.add_class("ball")
    masker = rendered_frame_masker()
    crops = []
    for index in range(max(GOOD_FRAMES) + 1):  # in order, so the masker learns the empty stage first
        result = masker.capture(np.asarray(Image.open(REPLAY / f"frame_{index:03d}.jpg").convert("RGB")))
        if index in GOOD_FRAMES:
            kept = kept_sample(result)
            project.add_sample(kept.image, good.id, "camera", mask=kept.mask)
            crops.append(session.backbone.preprocess(kept.image))
    grids = np.stack([found.maps["mid"] for found in session.backbone.embed_maps(crops)])
    folder = project.new_model_folder()
    save_anomaly_model(folder, fit_anomaly(grids).detector, session.backbone, "ball")
    project.add_model(folder, session.backbone.backbone_id, {"kind": "anomaly"})
    return good


async def test_the_ball_looks_good_an_anomaly_shows_its_score_and_its_heat_over_the_frame(
    make_app, good_balls, monkeypatch
):
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

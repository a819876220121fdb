"""The coach panel on a real project whose model cannot tell two classes apart: it names the class to
photograph next and the class the model takes it for, and its button opens the capture step there."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.coach.suggestion import CaptureSamples
from kiosk.store import Source
from kiosk.tui.widgets.coach_panel import CoachPanel
from testkit.shapes import render
from tests.kiosk.tui.conftest import SIZE
from tests.kiosk.tui.pilot_helpers import wait_until
from tests.kiosk.tui.widgets.test_coach_panel import advised, reason


@pytest.mark.asyncio
async def test_the_coach_names_the_doubted_class_and_the_one_it_is_mixed_up_with(make_app, project):
    # "pear" and "apple" photos drawn from one rendered class: the model can only guess between them.
    rng = np.random.default_rng(4)
    pear, apple = project.add_class("pear"), project.add_class("apple")
    for _ in range(12):
        project.add_sample(render("apple", rng), pear.id, Source.CAMERA)
        project.add_sample(render("apple", rng), apple.id, Source.CAMERA)
    app = make_app(coach=True)
    async with app.run_test(size=SIZE) as pilot:
        await advised(app, pilot)
        panel = app.screen.query_one(CoachPanel)
        advice = panel.suggestion
        assert advice.rule == "capture_next", advice
        [named] = advice.action.labels
        other = {"pear": "apple", "apple": "pear"}[named]
        assert 2 <= advice.action.count <= 10
        assert reason(app) == (
            f"Coach: The model mixes up “{named}” and “{other}” most: take {advice.action.count} more "
            f"photos of {named} from new angles."
        )
        await pilot.click("#coach-do")
        await wait_until(pilot, lambda: app.current_step == "capture" and app.screen.request is not None, 30)
        assert app.screen.request == CaptureSamples((named,), count=advice.action.count)

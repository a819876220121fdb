"""The flow across the steps: Next/Back, progress, unavailable steps, the error card."""

from __future__ import annotations

import pytest
from textual.worker import WorkerFailed

from kiosk.tui import app as app_module
from kiosk.tui.screens.base import StepScreen, UnavailableStepScreen
from kiosk.tui.screens.error_card import ErrorCard
from kiosk.tui.steps import STEPS, Step
from tests.kiosk.tui.conftest import SIZE
from tests.kiosk.tui.pilot_helpers import shown, tap

pytestmark = pytest.mark.asyncio


async def test_next_and_back_walk_the_steps_in_order(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        seen = [app.current_step]
        for _ in STEPS[1:]:
            app.screen.blocked_reason = lambda: None  # this test is about the flow, not the steps' rules
            await tap(pilot, "#nav-next")
            seen.append(app.current_step)
        assert seen == [s.key for s in STEPS]
        assert app.screen.query_one("#nav-next").disabled
        await tap(pilot, "#nav-back")
        assert app.current_step == STEPS[-2].key
        assert isinstance(app.screen, StepScreen)


async def test_a_crashed_worker_shows_an_error_card_and_the_app_keeps_running(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:

        def explode() -> None:
            raise OSError("camera unplugged")

        worker = app.screen.run_in_thread(explode, name="camera")
        with pytest.raises(WorkerFailed):  # the worker still fails for whoever waits on it
            await worker.wait()
        await pilot.pause()
        assert isinstance(app.screen, ErrorCard)
        assert "camera unplugged" in str(app.screen.query_one("#error-detail").render())
        await tap(pilot, "#error-ok")
        assert isinstance(app.screen, StepScreen)
        assert app.is_running


async def test_a_step_whose_screen_cannot_load_is_shown_as_unavailable_and_skippable(make_app, monkeypatch):
    broken = Step("expand", "Expand", "hint", "kiosk.tui.screens.not_there:ExpandScreen")
    real_step = app_module.step
    monkeypatch.setattr(app_module, "step", lambda key: broken if key == "expand" else real_step(key))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.goto_step("expand")
        await pilot.pause()
        assert isinstance(app.screen, UnavailableStepScreen)
        assert "not_there" in app.screen.reason
        assert "not available" in shown(app.screen.query_one("#unavailable"))
        app.screen.blocked_reason = lambda: None
        await tap(pilot, "#nav-next")
        assert app.current_step == "train"

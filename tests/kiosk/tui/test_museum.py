"""Museum mode: idle -> "still there?" -> wipe and back to the start; any input keeps the visitor."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.tui.screens.classes import ClassesScreen
from kiosk.tui.screens.still_there import StillThereScreen
from tests.kiosk.tui.conftest import SIZE
from tests.kiosk.tui.pilot_helpers import tap

pytestmark = pytest.mark.asyncio

IDLE, COUNTDOWN = 60.0, 20.0


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def visitor_project(project):
    apple = project.add_class("apple")
    project.add_class("pear")
    project.add_sample(np.full((64, 64, 3), 120, np.uint8), apple, "camera")
    return project


def museum_app(make_app, clock):
    return make_app(clock=clock, museum=True, idle_timeout_s=IDLE, still_there_s=COUNTDOWN)


async def test_nobody_answers_so_the_project_is_wiped_and_the_app_starts_over(make_app, visitor_project):
    clock = FakeClock()
    app = museum_app(make_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        app.goto_step("try")
        await pilot.pause()
        clock.now += IDLE - 1
        app.check_visitor_idle()
        await pilot.pause()
        assert not isinstance(app.screen, StillThereScreen)
        clock.now += 2
        app.check_visitor_idle()
        await pilot.pause()
        assert isinstance(app.screen, StillThereScreen)
        clock.now += COUNTDOWN - 1
        app.screen.tick()
        await pilot.pause()
        assert isinstance(app.screen, StillThereScreen) and visitor_project.classes()
        clock.now += 2
        app.screen.tick()
        await pilot.pause()
        assert isinstance(app.screen, ClassesScreen) and app.current_step == "classes"
        assert visitor_project.classes() == [] and visitor_project.samples() == []
        assert not app.screen.query(".class-row"), "the next visitor sees an empty class list"


async def test_a_tap_on_the_prompt_keeps_everything(make_app, visitor_project):
    clock = FakeClock()
    app = museum_app(make_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        clock.now += IDLE + 1
        app.check_visitor_idle()
        await pilot.pause()
        await tap(pilot, "#still-here")
        assert isinstance(app.screen, ClassesScreen)
        clock.now += COUNTDOWN + 1
        app.check_visitor_idle()
        await pilot.pause()
        assert not isinstance(app.screen, StillThereScreen), "the idle time counts from the answer"
        assert len(visitor_project.classes()) == 2


async def test_input_restarts_the_idle_time_and_museum_mode_off_never_asks(make_app, visitor_project):
    clock = FakeClock()
    app = museum_app(make_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        clock.now += IDLE - 10
        await pilot.press("x")
        clock.now += IDLE - 10
        app.check_visitor_idle()
        await pilot.pause()
        assert not isinstance(app.screen, StillThereScreen)
    app = make_app(clock=clock, museum=False, idle_timeout_s=IDLE)
    async with app.run_test(size=SIZE) as pilot:
        clock.now += 10 * IDLE
        app.check_visitor_idle()
        await pilot.pause()
        assert not isinstance(app.screen, StillThereScreen)


async def test_an_untouched_start_screen_is_not_asked_about(make_app, project):
    clock = FakeClock()
    app = museum_app(make_app, clock)
    async with app.run_test(size=SIZE) as pilot:
        clock.now += 10 * IDLE
        app.check_visitor_idle()
        await pilot.pause()
        assert isinstance(app.screen, ClassesScreen)


async def test_ctrl_q_does_not_quit_a_museum_kiosk(make_app, visitor_project):
    app = museum_app(make_app, FakeClock())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert isinstance(app.screen, ClassesScreen)


async def test_outside_museum_mode_ctrl_q_quits(make_app, visitor_project):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert app.return_code is None
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.return_code == 0, "Ctrl+Q asked the app to exit"

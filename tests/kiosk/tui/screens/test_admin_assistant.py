"""The admin screen's coach switch and assistant server: the coach panel goes and comes on the step
under the admin screen and stays as switched on the steps after; a server URL is checked before use."""

from __future__ import annotations

import pytest
from textual.widgets import Switch

from kiosk.tui.screens.base import StepScreen
from tests.kiosk.tui.conftest import SIZE
from tests.kiosk.tui.pilot_helpers import shown, tap
from tests.kiosk.tui.screens.admin_pad import PIN, open_admin

pytestmark = pytest.mark.asyncio


def coach_shown(app) -> bool:
    """Whether the step on screen (under any window) has its coach panel."""
    [step] = [screen for screen in app.screen_stack if isinstance(screen, StepScreen)]
    return bool(step.query("#coach-panel"))


async def test_switching_the_coach_off_hides_its_panel_and_it_stays_off(make_app):
    app = make_app(admin_pin=PIN, coach=True)
    async with app.run_test(size=SIZE) as pilot:
        assert coach_shown(app)
        admin = await open_admin(app, pilot)
        await tap(pilot, "#admin-coach")
        assert not app.settings.coach and not coach_shown(app)
        assert "Coach panel off" in shown(admin.query_one("#admin-message"))
        await tap(pilot, "#admin-close")
        app.next_step()
        await pilot.pause()
        assert not coach_shown(app)  # the next step is built without it
        admin = await open_admin(app, pilot)
        assert admin.query_one("#admin-coach", Switch).value is False  # the switch says how it is
        await tap(pilot, "#admin-coach")
        assert app.settings.coach and coach_shown(app)


async def test_an_assistant_url_is_checked_then_used_and_cleared(make_app):
    app = make_app(admin_pin=PIN)
    async with app.run_test(size=SIZE) as pilot:
        admin = await open_admin(app, pilot)
        admin.query_one("#admin-assistant").value = "gpu.local:8000"
        await tap(pilot, "#admin-assistant-use")
        assert "Not saved" in shown(admin.query_one("#admin-message"))
        assert app.settings.assistant_url is None and app.assistant().endpoint is None
        admin.query_one("#admin-assistant").value = "http://gpu.local:8000/"
        await tap(pilot, "#admin-assistant-use")
        assert app.settings.assistant_url == "http://gpu.local:8000/"
        assert app.assistant().endpoint.base == "http://gpu.local:8000"
        admin.query_one("#admin-assistant").value = ""
        await tap(pilot, "#admin-assistant-use")
        assert app.settings.assistant_url is None and app.assistant().endpoint is None
        assert "the kiosk answers" in shown(admin.query_one("#admin-message"))

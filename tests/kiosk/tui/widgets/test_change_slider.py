"""The change slider under a keyboard: at its end, + keeps the focus and Enter changes nothing."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from kiosk.tui.widgets.change_slider import ChangeSlider

pytestmark = pytest.mark.asyncio


class SliderApp(App):
    def compose(self) -> ComposeResult:
        yield ChangeSlider(0.5)


@pytest.mark.parametrize(("button", "end"), [("#change-more", 1.0), ("#change-less", 0.0)])
async def test_at_its_end_the_button_keeps_the_focus_and_enter_stays_there(button, end):
    app = SliderApp()
    async with app.run_test() as pilot:
        slider = app.query_one(ChangeSlider)
        app.query_one(button).focus()
        for _ in range(8):  # more presses than steps to the end
            await pilot.press("enter")
        assert slider.value == end
        assert app.focused is app.query_one(button), "focus must not jump to the other button"
        assert app.query_one(button).has_class("-at-limit")
        await pilot.press("enter")
        assert slider.value == end

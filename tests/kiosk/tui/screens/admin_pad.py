"""Getting past the PIN pad in the screens' tests: the admin screen's and the assistant's settings."""

from __future__ import annotations

from kiosk.tui.screens.admin import AdminScreen

PIN = "4321"


async def open_admin(app, pilot) -> AdminScreen:
    """Ctrl+A and the PIN on the keyboard, as staff do; the admin screen that opens."""
    await pilot.press("ctrl+a")
    await pilot.pause()
    await pilot.press(*PIN, "enter")
    await pilot.pause()
    assert isinstance(app.screen, AdminScreen)
    return app.screen

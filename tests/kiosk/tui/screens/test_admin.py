"""The admin screen behind the PIN: wrong and right PIN, settings checked, export to a folder."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest
from textual import events

from kiosk.tui.screens.admin import AdminScreen
from kiosk.tui.screens.pin import PinScreen
from tests.kiosk.tui.conftest import SIZE
from tests.kiosk.tui.pilot_helpers import shown, tap, wait_until
from tests.kiosk.tui.screens.admin_pad import PIN, open_admin

pytestmark = pytest.mark.asyncio


async def enter_pin(pilot, digits: str) -> None:
    for digit in digits:
        await tap(pilot, f"#pin-{digit}")
    await tap(pilot, "#pin-ok")


async def test_a_wrong_pin_is_refused_and_the_right_one_opens_admin(make_app):
    app = make_app(admin_pin=PIN)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+a")
        await pilot.pause()
        assert isinstance(app.screen, PinScreen)
        await enter_pin(pilot, "1234")
        assert isinstance(app.screen, PinScreen)
        assert "Wrong PIN" in shown(app.screen.query_one("#pin-dots"))
        await pilot.press(*PIN, "enter")  # the keyboard works too
        await pilot.pause()
        assert isinstance(app.screen, AdminScreen)


async def test_a_pin_typed_in_one_write_with_its_enter_opens_admin(make_app):
    """A terminal (or a USB keypad) delivers "4321\r" in one read: the Enter must come after the
    digits, not overtake them."""
    app = make_app(admin_pin=PIN)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+a")
        await pilot.pause()
        for key in (*PIN, "enter"):  # queued at once, as the driver does for one read
            app.post_message(events.Key(key, "\r" if key == "enter" else key))
        await wait_until(pilot, lambda: isinstance(app.screen, AdminScreen), timeout=5)


async def test_the_admin_screen_opens_on_close_not_on_exit(make_app):
    app = make_app(admin_pin=PIN)
    async with app.run_test(size=SIZE) as pilot:
        await open_admin(app, pilot)
        assert app.focused is not None and app.focused.id == "admin-close"
        await pilot.press("enter")  # one Enter too many after the PIN
        await pilot.pause()
        assert app.is_running and not isinstance(app.screen, AdminScreen)


async def test_three_taps_on_the_status_bar_open_the_pin_pad_and_cancel_closes_it(make_app):
    app = make_app(admin_pin=PIN)
    async with app.run_test(size=SIZE) as pilot:
        await tap(pilot, "#status-bar", times=3)
        assert isinstance(app.screen, PinScreen)
        await tap(pilot, "#pin-cancel")
        assert not isinstance(app.screen, PinScreen | AdminScreen)


async def test_bad_camera_and_broker_are_refused_and_museum_settings_are_checked(make_app, session):
    app = make_app(admin_pin=PIN)
    async with app.run_test(size=SIZE) as pilot:
        admin = await open_admin(app, pilot)
        spec = session.camera_spec
        admin.query_one("#admin-camera").value = "floppy:0"
        await tap(pilot, "#admin-camera-use")
        assert "Camera not changed" in shown(admin.query_one("#admin-message"))
        assert session.camera_spec == spec
        admin.query_one("#admin-broker").value = "http://example.org"
        await tap(pilot, "#admin-broker-use")
        assert "Broker not changed" in shown(admin.query_one("#admin-message"))
        assert session.broker_url is None
        admin.query_one("#admin-idle").value = "2"
        await tap(pilot, "#admin-museum")
        await tap(pilot, "#admin-museum-save")
        assert "Not saved" in shown(admin.query_one("#admin-message")) and not app.settings.museum
        admin.query_one("#admin-idle").value = "300"
        await tap(pilot, "#admin-museum-save")
        assert app.settings.museum and app.settings.idle_timeout_s == 300, shown(
            admin.query_one("#admin-message")
        )


async def test_export_writes_the_dataset_zip_to_the_folder(make_app, project, tmp_path):
    apple = project.add_class("apple")
    project.add_sample(np.full((64, 64, 3), 120, np.uint8), apple, "camera")
    usb = tmp_path / "usb"
    usb.mkdir()
    app = make_app(admin_pin=PIN)
    async with app.run_test(size=SIZE) as pilot:
        admin = await open_admin(app, pilot)
        admin.query_one("#admin-export-dir").value = str(tmp_path / "not-plugged-in")
        await tap(pilot, "#admin-export")
        await wait_until(pilot, lambda: "Export failed" in shown(admin.query_one("#admin-message")))
        admin.query_one("#admin-export-dir").value = str(usb)
        await tap(pilot, "#admin-export")
        await wait_until(pilot, lambda: "Exported" in shown(admin.query_one("#admin-message")))
    [written] = usb.iterdir()
    with zipfile.ZipFile(written) as archive:
        assert any(name.endswith(".jpg") for name in archive.namelist())


async def test_exit_ends_the_app(make_app):
    app = make_app(admin_pin=PIN)
    async with app.run_test(size=SIZE) as pilot:
        await open_admin(app, pilot)
        await tap(pilot, "#admin-exit")
        assert not app.is_running

"""Step 2: live preview on the replay footage, hold-to-record, keyboard bursts, deleting photos."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.tui.screens.capture import MIN_PHOTOS, CaptureScreen
from tests.kiosk.tui.conftest import SIZE
from tests.kiosk.tui.pilot_helpers import shown, tap, wait_until

pytestmark = pytest.mark.asyncio


async def open_capture(app, pilot) -> CaptureScreen:
    app.goto_step("capture")
    await pilot.pause()
    assert isinstance(app.screen, CaptureScreen)
    return app.screen


async def test_holding_record_keeps_masked_photos_of_the_chosen_class(make_app, project):
    apple, pear = project.add_class("apple"), project.add_class("pear")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_capture(app, pilot)
        await tap(pilot, f"#pick-{pear.id}")
        await wait_until(pilot, lambda: screen.frames_shown >= 3)
        assert screen.query_one("#preview").image is not None
        await pilot.mouse_down("#record")
        await wait_until(pilot, lambda: len(project.samples(class_id=pear.id)) >= 2, timeout=30)
        await pilot.mouse_up("#record")
        kept = project.samples(class_id=pear.id)
        assert project.samples(class_id=apple.id) == []
        assert all(sample.mask_path is not None for sample in kept), "every photo carries its mask"
        await wait_until(
            pilot, lambda: f"pear · {len(project.samples(class_id=pear.id))}" in label(screen, pear)
        )


def photos_of(project, info) -> int:
    return len(project.samples(class_id=info.id))


def label(screen, info) -> str:
    return str(screen.query_one(f"#pick-{info.id}").label)


async def test_a_keyboard_burst_records_and_a_tapped_thumbnail_is_deleted(make_app, project):
    apple = project.add_class("apple")
    project.add_class("pear")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_capture(app, pilot)
        await pilot.press("r")
        await wait_until(pilot, lambda: not screen.recording, timeout=30)
        settled = screen.frames_shown + 2  # the burst's last photo is on screen after the next frame
        await wait_until(pilot, lambda: screen.frames_shown >= settled)
        assert photos_of(project, apple) >= 2
        await wait_until(pilot, lambda: len(screen.query(".thumb")) == photos_of(project, apple))
        before = project.samples(class_id=apple.id)
        newest = before[-1]
        await tap(pilot, f"#thumb-{newest.id}")
        assert newest.id not in {s.id for s in project.samples(class_id=apple.id)}


async def test_next_waits_for_enough_photos_of_every_class(make_app, project):
    apple, pear = project.add_class("apple"), project.add_class("pear")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_capture(app, pilot)
        await tap(pilot, "#nav-next")
        assert app.current_step == "capture"
        assert "apple, pear need more" in str(screen.query_one("#hint").render())
        screen.workers.cancel_group(screen, "camera")
        for info in (apple, pear):
            for _ in range(MIN_PHOTOS):
                project.add_sample(np.full((64, 64, 3), 99, np.uint8), info, "camera")
        await tap(pilot, "#nav-next")
        assert app.current_step == "expand"


async def test_the_refusal_on_the_hint_line_clears_once_there_are_enough_photos(make_app, project):
    apple = project.add_class("apple")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_capture(app, pilot)
        await tap(pilot, "#nav-next")
        hint = screen.query_one("#hint")
        assert hint.has_class("-warning")
        for _ in range(MIN_PHOTOS):
            project.add_sample(np.full((64, 64, 3), 99, np.uint8), apple, "camera")
        await screen.show_classes()
        assert not hint.has_class("-warning") and "Hold an object up" in shown(hint)

"""Step 2: live preview on the replay footage, hold-to-record, keyboard bursts, deleting photos;
only photos of an object are kept, each said and shown; a failed camera says so."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from kiosk.learning.anomaly_training import MIN_GOOD
from kiosk.live.view import OUTCOME_TEXT
from kiosk.session import KioskSession
from kiosk.tui.app import TeachBoothApp
from kiosk.tui.config import KioskSettings
from kiosk.tui.screens.capture import BURST, MIN_PHOTOS, CaptureScreen
from kiosk.tui.screens.error_card import ErrorCard
from tests.kiosk.conftest import REPLAY, rendered_frame_masker
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
        # One class is a project of good parts: its anomaly model needs more of them than a class does.
        assert f"needs at least {MIN_GOOD} photos of apple" in shown(hint) and hint.has_class("-warning")
        for _ in range(MIN_GOOD - MIN_PHOTOS):
            project.add_sample(np.full((64, 64, 3), 99, np.uint8), apple, "camera")
        await screen.show_classes()
        assert not hint.has_class("-warning") and "Hold an object up" in shown(hint)


def masked_colour(loaded) -> np.ndarray:
    """The mean colour of a stored photo inside its mask: what the photo is a photo of."""
    pixels = np.asarray(loaded.image.convert("RGB"), np.float32)
    inside = np.asarray(loaded.mask.convert("L")) > 127
    return pixels[inside].mean(axis=0)


class FoundRuns:
    """Counts the runs of "Object found" frames the Capture step shows, by wrapping its show_frame:
    on the demo footage run 1 is the ball, 2 the box, 3 the cup, 4 the ball again (it loops)."""

    def __init__(self, screen: CaptureScreen) -> None:
        self.count, self.found = 0, False
        show = screen.show_frame

        async def counted(image, status, fps, shot) -> None:
            found = status == OUTCOME_TEXT["found"]
            self.count += found and not self.found
            self.found = found
            await show(image, status, fps, shot)

        screen.show_frame = counted  # type: ignore[method-assign]


async def test_a_scripted_visit_over_the_demo_footage_keeps_photos_of_the_right_object_only(
    make_app, project
):
    """The footage shows a red ball, a blue box and a green cup in turn, with the empty stage between
    them. A visitor who picks a class, waits for its object and records a burst gets photos of that
    object in its class and nothing else: no backdrop, no object of the next class."""
    channels = {"ball": 0, "box": 2, "cup": 1}  # the colour that dominates each object: red, blue, green
    classes = {label: project.add_class(label) for label in channels}
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_capture(app, pilot)
        runs = FoundRuns(screen)
        for order, (label, info) in enumerate(classes.items()):  # the footage's order
            await tap(pilot, f"#pick-{info.id}")
            seen = runs.count
            # The object appears: the next run of found frames that is this object's (the footage loops).
            await wait_until(pilot, lambda: runs.count > seen and (runs.count - 1) % 3 == order, timeout=60)  # noqa: B023
            await pilot.press("r")
            await wait_until(pilot, lambda: not screen.recording, timeout=30)
            await expect_kept(pilot, screen, project, info)
            for loaded in project.iter_images(project.samples(class_id=info.id), masks=True):
                assert int(np.argmax(masked_colour(loaded))) == channels[label], (label, loaded.sample.id)


async def expect_kept(pilot, screen, project, info) -> None:
    """The burst kept enough photos of `info`, said how many, and flashes the newest."""
    kept = project.samples(class_id=info.id)
    assert len(kept) >= MIN_PHOTOS, (info.label, len(kept))
    news = f"Photo {len(kept)} of {info.label} saved"
    await wait_until(pilot, lambda: news in shown(screen.query_one("#shot-news")))
    await wait_until(pilot, lambda: bool(screen.query(f"#thumb-{kept[-1].id}.-fresh")))


async def test_shots_of_the_empty_stage_are_counted_and_never_saved(project, tmp_path):
    empty_stage = KioskSession(
        project, camera_spec=f"replay:{REPLAY / 'frame_000.jpg'}?fps=15", masker_factory=rendered_frame_masker
    )
    ball = project.add_class("ball")
    app = TeachBoothApp(empty_stage, KioskSettings(coach=False))
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_capture(app, pilot)
            await wait_until(pilot, lambda: screen.frames_shown >= 2)
            await pilot.press("r")
            await wait_until(pilot, lambda: not screen.recording, timeout=30)
            await wait_until(
                pilot, lambda: f"nothing saved ({BURST} times)" in shown(screen.query_one("#shot-news"))
            )
            assert project.samples(class_id=ball.id) == []
            assert "No photos of this class yet" in shown(screen.query_one(".thumbs-empty"))
    finally:
        empty_stage.close()


async def test_a_camera_that_fails_says_so_behind_the_error_card(project, tmp_path):
    footage = tmp_path / "footage"
    footage.mkdir()
    shutil.copy(REPLAY / "frame_000.jpg", footage / "frame_0.jpg")
    ends = KioskSession(
        project, camera_spec=f"replay:{footage}?fps=15&loop=0", masker_factory=rendered_frame_masker
    )
    project.add_class("ball")
    app = TeachBoothApp(ends, KioskSettings(coach=False))
    try:
        async with app.run_test(size=SIZE) as pilot:
            app.goto_step("capture")  # one frame, then the end of the footage: the camera is gone
            await wait_until(pilot, lambda: isinstance(app.screen, ErrorCard))
            screen = app.screen_stack[-2]
            assert isinstance(screen, CaptureScreen)
            assert "The camera stopped" in shown(screen.query_one("#live-status"))
            assert shown(screen.query_one("#fps")).strip() == ""
            await pilot.press("enter")
            assert app.screen is screen and "Starting the camera" not in shown(
                screen.query_one("#live-status")
            )
    finally:
        ends.close()


async def test_photo_counts_are_real_photos_on_every_step(make_app, project):
    ball = project.add_class("ball")
    for _ in range(3):
        project.add_sample(np.full((64, 64, 3), 99, np.uint8), ball, "camera")
    for accepted in (True, None, False):
        project.add_sample(np.full((64, 64, 3), 50, np.uint8), ball, "generated", accepted=accepted)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_capture(app, pilot)
        assert str(screen.query_one(f"#pick-{ball.id}").label) == "ball · 3"
        await wait_until(pilot, lambda: len(screen.query(".thumb")) == 3)
        app.goto_step("classes")
        await pilot.pause()
        assert "ball  (3 photos)" in shown(app.screen.query_one(".class-label"))


async def test_the_focused_class_button_is_framed_even_when_chosen(make_app, project):
    apple, pear = project.add_class("apple"), project.add_class("pear")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_capture(app, pilot)
        chosen, other = app.screen.query_one(f"#pick-{apple.id}"), app.screen.query_one(f"#pick-{pear.id}")
        assert chosen.has_class("-chosen")
        unfocused = chosen.styles.border_top
        chosen.focus()
        await pilot.pause()
        framed = chosen.styles.border_top
        assert framed != unfocused
        other.focus()
        await pilot.pause()
        assert chosen.styles.border_top == unfocused and other.styles.border_top == framed

"""The whole visit on the replay camera with a real broker and a classic GPU-side worker:
classes -> capture -> expand -> accept -> train -> try -> correct, by taps and typing only."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk.session import KioskSession
from kiosk.store import Source, Status
from kiosk.tui.app import TeachBoothApp
from kiosk.tui.config import KioskSettings
from kiosk.tui.screens.capture import MIN_PHOTOS
from tests.kiosk.conftest import REPLAY, REPLAY_FPS, rendered_frame_masker, replay_frame
from tests.kiosk.tui.conftest import SIZE
from tests.kiosk.tui.photos import start_worker
from tests.kiosk.tui.pilot_helpers import shown, tap, wait_until

pytestmark = pytest.mark.asyncio
ACCEPTED = Status.ACCEPTED


def footage(tmp_path, name: str, object_frame: Path):
    """A replay folder of the empty scene then the object, looping: the object a visitor holds up.

    Two empty frames open it: the Capture step that is being left may still take one frame from a
    camera changed under it, and the new step's masker must learn its empty scene from the next
    (the rendered-frame masker sees nobody, so it would learn the object as the scene)."""
    folder = tmp_path / name
    folder.mkdir()
    for index in range(2):
        shutil.copy(REPLAY / "frame_000.jpg", folder / f"frame_{index}.jpg")
    for index in range(2, 5):
        shutil.copy(object_frame, folder / f"frame_{index}.jpg")
    return f"replay:{folder}?fps={REPLAY_FPS}"


async def add_class(pilot, label: str) -> None:
    pilot.app.screen.query_one("#class-name").value = label
    await tap(pilot, "#class-add")


async def capture(pilot, project, label: str) -> None:
    info = project.find_class(label)
    await wait_until(pilot, lambda: bool(pilot.app.screen.query(f"#pick-{info.id}")))
    await tap(pilot, f"#pick-{info.id}")
    await pilot.mouse_down("#record")
    await wait_until(pilot, lambda: len(project.samples(class_id=info.id)) >= MIN_PHOTOS, timeout=60)
    await pilot.mouse_up("#record")
    await wait_until(pilot, lambda: not pilot.app.screen.recording)


async def test_a_whole_visit(project, mosquitto, tmp_path):
    worker = start_worker(mosquitto.url, "w1")
    ball, box = footage(tmp_path, "ball", replay_frame("ball")), footage(tmp_path, "box", replay_frame("box"))
    session = KioskSession(
        project, camera_spec=ball, broker_url=mosquitto.url, masker_factory=rendered_frame_masker
    )
    app = TeachBoothApp(session, KioskSettings(coach=False))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await add_class(pilot, "ball")
            await add_class(pilot, "box")
            await tap(pilot, "#nav-next")
            await capture(pilot, project, "ball")
            await tap(pilot, "#nav-back")  # the visitor fetches the box
            session.change_camera(box)
            await tap(pilot, "#nav-next")
            await capture(pilot, project, "box")
            await tap(pilot, "#nav-next")

            assert app.current_step == "expand"
            await wait_until(pilot, lambda: bool(getattr(app.screen, "photos", None)), timeout=30)
            engine = app.screen.query_one("#expand-engine")
            worker_named = "helper computer: w1 (classic engine)"  # not "the GPU": it runs the CPU engine
            await wait_until(pilot, lambda: worker_named in " ".join(shown(engine).split()), timeout=30)
            await tap(pilot, "#expand-send")
            await wait_until(pilot, lambda: len(app.screen.query(".review-cell")) == 4, timeout=60)
            await tap(pilot, "#keep-all")
            await wait_until(
                pilot, lambda: len(project.samples(source=Source.GENERATED, status=ACCEPTED)) == 4
            )
            await tap(pilot, "#nav-next")

            assert app.current_step == "train"
            await tap(pilot, "#train-start")
            await wait_until(pilot, lambda: "Trained." in shown(app.screen.query_one("#train-status")), 120)
            await tap(pilot, "#nav-next")

            assert app.current_step == "try"
            screen = app.screen
            await wait_until(pilot, lambda: screen.frames_shown >= 2, timeout=60)
            box_class = project.find_class("box")
            before = len(project.samples(class_id=box_class.id))
            await tap(pilot, f"#correct-{box_class.id}")
            assert len(project.samples(class_id=box_class.id)) == before + 1
    finally:
        session.close()
        worker.stop()

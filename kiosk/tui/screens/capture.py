"""Step 2, Capture: photograph examples of each class from the live camera.

Tap a class at the top, hold an object up, and hold the record button (or show an open palm for a
second): a photo is kept every `CAPTURE_INTERVAL_S` while the button is held, each one the masker's
GrabCut-refined crop of the object, stored with its mask. The preview shows the mask the masker
sees, so a visitor whose hand is outlined instead of the apple can fix it before recording. The
newest photos of the chosen class sit under the preview; tap one to delete it.

The camera, masking and storing run on one worker thread (`_live_loop`); it hands each finished
preview to the UI with `call_from_thread`, which also paces it: a slow terminal slows the preview,
never the buttons.
"""

from __future__ import annotations

import math
import threading
from typing import ClassVar

import numpy as np
from PIL import Image
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.widgets import Button, Static
from textual.worker import get_current_worker

from kiosk.coach.suggestion import CaptureSamples
from kiosk.live.view import OUTCOME_TEXT, FpsMeter, kept_sample, preview_image
from kiosk.masking import ObjectMasker, OpenPalmTrigger
from kiosk.store import NotFound
from kiosk.tui.screens.base import StepScreen
from kiosk.tui.widgets.picture import Picture
from kiosk.tui.widgets.record_button import RecordButton
from kiosk.tui.widgets.thumbnails import ThumbStrip

MIN_PHOTOS = 3
"""Photos each class needs before the visitor may go on: cross-validation needs a few per class."""
CAPTURE_INTERVAL_S = 0.25
"""Spacing of the photos of a held burst, in camera time: four a second, each a little different."""
BURST = 5
"""Photos one keyboard press records (a terminal reports no key release)."""
THUMBS = 8


class CaptureScreen(StepScreen):
    STEP_KEY = "capture"

    BINDINGS: ClassVar = [Binding("r", "burst", "Record a burst", show=False)]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.class_id: int | None = None
        self.frames_shown = 0
        """Previews drawn since the screen opened (tests wait on it)."""
        self._lock = threading.Lock()
        self._holding = False
        self._burst_left = 0
        self._last_capture = -math.inf

    def compose_body(self) -> ComposeResult:
        yield Horizontal(id="class-picker")
        with Horizontal(id="capture-main"):
            yield Picture(id="preview")
            with Vertical(id="capture-side"):
                yield RecordButton()
                yield Static("Starting the camera…", id="live-status")
                yield Static("-- fps", id="fps")
                yield Static("Or show an open palm for a second.", id="gesture-hint")
        yield ThumbStrip(id="thumbs")

    async def on_mount(self) -> None:
        classes = self.session.project.classes()
        wanted = self.request.labels if isinstance(self.request, CaptureSamples) else ()
        chosen = next((c for c in classes if c.label in wanted), classes[0] if classes else None)
        self.class_id = None if chosen is None else chosen.id
        await self.show_classes()
        if chosen is None:
            self.set_hint(self.blocked_reason(), warning=True)
            return
        self.run_in_thread(self._live_loop, name="camera", group="camera", exclusive=True)

    # -- classes, counts, thumbnails -------------------------------------------------------------

    async def show_classes(self) -> None:
        """Class buttons with their counts, then the chosen class's newest photos.

        A tap on a class or a new photo changes labels and one highlight: the buttons are
        updated in place (re-mounting them cost a tap ~50 ms), and rebuilt only when the
        classes themselves changed. The photos are read and decoded on a worker thread.
        """
        project = self.session.project
        counts, classes = project.counts(), project.classes()
        picker = self.query_one("#class-picker", Horizontal)
        shown = {button.id: button for button in picker.query(Button)}
        if list(shown) != [f"pick-{info.id}" for info in classes]:
            await picker.remove_children()
            await picker.mount_all([Button("", id=f"pick-{info.id}", classes="pick") for info in classes])
            shown = {button.id: button for button in picker.query(Button)}
        for info in classes:
            button = shown[f"pick-{info.id}"]
            button.label = Text(f"{info.label} · {counts.get(info.id, 0)}")
            button.set_class(info.id == self.class_id, "-chosen")
        self.run_in_thread(self._read_thumbs, self.class_id, name="photos", group="thumbs", exclusive=True)
        self.refresh_nav()

    def _read_thumbs(self, class_id: int | None) -> None:
        project = self.session.project
        photos = []
        if class_id is not None:
            latest = project.samples(class_id=class_id)[-THUMBS:][::-1]
            photos = [(loaded.sample.id, loaded.image) for loaded in project.iter_images(latest)]
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_thumbs, class_id, photos)

    async def _show_thumbs(self, class_id: int | None, photos: list[tuple[str, Image.Image]]) -> None:
        if class_id != self.class_id or not self.is_attached:  # another class was tapped meanwhile
            return
        await self.query_one("#thumbs", ThumbStrip).show(photos, "No photos of this class yet.")

    def blocked_reason(self) -> str | None:
        project = self.session.project
        counts = project.counts()
        if not counts:
            return "Add classes first: press Back."
        short = [info.label for info in project.classes() if counts.get(info.id, 0) < MIN_PHOTOS]
        if short:
            return f"Take at least {MIN_PHOTOS} photos of each class ({', '.join(short)} need more)."
        return None

    # -- input ----------------------------------------------------------------------------------

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id or ""
        if button.startswith("pick-"):
            event.stop()
            self.class_id = int(button.removeprefix("pick-"))
            await self.show_classes()

    async def on_thumb_strip_delete(self, event: ThumbStrip.Delete) -> None:
        event.stop()
        self.session.project.delete_sample(event.sample_id)
        self.query_one("#live-status", Static).update("Photo deleted.")
        await self.show_classes()

    def on_record_button_held(self, event: RecordButton.Held) -> None:
        with self._lock:
            self._holding = event.held

    def on_record_button_burst(self, event: RecordButton.Burst) -> None:
        self.action_burst()

    @property
    def recording(self) -> bool:
        """The record button is held or a keyboard burst has photos left to take."""
        with self._lock:
            return self._holding or self._burst_left > 0

    def action_burst(self) -> None:
        with self._lock:
            self._burst_left = BURST

    # -- the camera thread ---------------------------------------------------------------------

    def _wants_capture(self, timestamp: float) -> bool:
        with self._lock:
            if not (self._holding or self._burst_left) or timestamp - self._last_capture < CAPTURE_INTERVAL_S:
                return False
            self._burst_left = max(0, self._burst_left - 1)
            self._last_capture = timestamp
            return True

    def _live_loop(self) -> None:
        worker, app = get_current_worker(), self.kiosk  # the app, while this screen is still mounted
        trigger, meter = OpenPalmTrigger(), FpsMeter()
        while not worker.is_cancelled:
            frame = self.session.next_frame()
            masker = self.session.masker  # a new camera (admin) comes with a new masker
            result = masker.preview(frame.image)
            meter.tick(app.clock())
            saved = None
            if trigger.update(result.hands, frame.timestamp) or self._wants_capture(frame.timestamp):
                saved = self._capture(frame.image, masker)
            image = preview_image(frame.image, result, trigger.progress)
            if worker.is_cancelled:
                return
            self.app.call_from_thread(
                self.show_frame, image, OUTCOME_TEXT[result.outcome], meter.text(), saved
            )

    def _capture(self, frame: np.ndarray, masker: ObjectMasker) -> str:
        """Keep one photo of the chosen class; what happened, in words for the status line."""
        class_id = self.class_id
        if class_id is None:
            return "Choose a class first."
        kept = kept_sample(masker.capture(frame))
        if kept is None:
            return "No object seen: hold it up in front of the camera."
        try:
            self.session.project.add_sample(kept.image, class_id, "camera", mask=kept.mask)
        except NotFound:  # the class was removed meanwhile (museum reset): nothing to keep it in
            return "That class is gone."
        return "Photo saved."

    async def show_frame(self, image: Image.Image, status: str, fps: str, captured: str | None) -> None:
        if not self.is_current:  # the visitor left the step (or a card is open) while it was on its way
            return
        try:
            preview = self.query_one("#preview")
        except NoMatches:  # the app is closing: the step's widgets are already gone
            return
        preview.image = image  # type: ignore[attr-defined]
        self.query_one("#fps", Static).update(fps)
        self.query_one("#live-status", Static).update(Text(status))
        self.frames_shown += 1
        if captured:
            await self.show_classes()

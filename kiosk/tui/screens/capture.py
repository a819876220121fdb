"""Step 2, Capture: photograph examples of each class from the live camera.

Tap a class at the top, hold an object up, and hold the record button (or show an open palm for a
second): a photo is taken every `CAPTURE_INTERVAL_S` while the button is held, each one the masker's
GrabCut-refined crop of the object, stored with its mask. A photo is kept only when the masker sees
an object: a shot of the empty stage is counted and said ("No object seen"), never saved, so no
class fills with pictures of the backdrop. The preview shows the mask the masker sees, so a
visitor whose hand is outlined instead of the apple can fix it before recording. The newest photos
of the chosen class sit under the preview with their masks, the one just taken flashing, and the
line under the button says "Photo 7 of ball saved"; tap a photo to delete it. "Photos" are the
visitor's real ones (camera and imported) on every step: generated pictures are counted apart.

The camera, masking and storing run on one worker thread (`_live_loop`); it hands each finished
preview to the UI with `call_from_thread`, which also paces it: a slow terminal slows the preview,
never the buttons.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from PIL import Image
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.widgets import Button, Static
from textual.worker import Worker, get_current_worker

from kiosk.coach.suggestion import CaptureSamples
from kiosk.learning.project_anomaly import anomaly_refusal, is_anomaly_project
from kiosk.live.view import OUTCOME_TEXT, FpsMeter, kept_sample, photo_with_mask, preview_image
from kiosk.masking import ObjectMasker, OpenPalmTrigger
from kiosk.store import PHOTO_SOURCES, PHOTO_STATUSES, NotFound
from kiosk.tui.screens.base import StepScreen
from kiosk.tui.widgets.picture import Picture
from kiosk.tui.widgets.record_button import RecordButton
from kiosk.tui.widgets.thumbnails import THUMB_SIZE, ThumbStrip

MIN_PHOTOS = 3
"""Photos each class needs before the visitor may go on: cross-validation needs a few per class. A
one-class project (good parts only) needs what its anomaly model does (`anomaly_refusal`)."""
CAPTURE_INTERVAL_S = 0.25
"""Spacing of the photos of a held burst, in camera time: four a second, each a little different."""
BURST = 5
"""Photos one keyboard press records (a terminal reports no key release)."""
THUMBS = 8
NO_CLASSES = "Add classes first: press Back."


@dataclass(frozen=True)
class Shot:
    """What one photo attempt did: the words for the visitor and the photo kept (None: nothing)."""

    words: str
    sample_id: str | None = None


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
        self._missed = 0
        """Shots of the chosen class with no object in view, said with each one."""

    def compose_body(self) -> ComposeResult:
        yield Horizontal(id="class-picker")
        with Horizontal(id="capture-main"):
            yield Picture(id="preview")
            with Vertical(id="capture-side"):
                yield RecordButton()
                yield Static("Starting the camera…", id="live-status")
                yield Static("", id="shot-news")
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
            self.say_refusal(NO_CLASSES)
            return
        self.run_in_thread(self._live_loop, name="camera", group="camera", exclusive=True)

    # -- classes, counts, thumbnails -------------------------------------------------------------

    async def show_classes(self, fresh: str | None = None) -> None:
        """Class buttons with their counts, then the chosen class's newest photos.

        A tap on a class or a new photo changes labels and one highlight: the buttons are
        updated in place (re-mounting them cost a tap ~50 ms), and rebuilt only when the
        classes themselves changed. The photos are read and decoded on a worker thread; `fresh`,
        the one just taken, flashes.
        """
        project = self.session.project
        counts, classes = project.counts(source=PHOTO_SOURCES, status=PHOTO_STATUSES), project.classes()
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
        self.run_in_thread(
            self._read_thumbs, self.class_id, fresh, name="photos", group="thumbs", exclusive=True
        )
        self.refresh_nav()

    def _read_thumbs(self, class_id: int | None, fresh: str | None) -> None:
        project = self.session.project
        photos = []
        if class_id is not None:
            latest = project.samples(class_id=class_id, source=PHOTO_SOURCES, status=PHOTO_STATUSES)
            photos = [
                (loaded.sample.id, photo_with_mask(loaded.image, loaded.mask, max(THUMB_SIZE)))
                for loaded in project.iter_images(latest[-THUMBS:][::-1], masks=True)
            ]
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_thumbs, class_id, photos, fresh)

    async def _show_thumbs(
        self, class_id: int | None, photos: list[tuple[str, Image.Image]], fresh: str | None
    ) -> None:
        if class_id != self.class_id or not self.is_attached:  # another class was tapped meanwhile
            return
        await self.query_one("#thumbs", ThumbStrip).show(photos, "No photos of this class yet.", fresh=fresh)

    def blocked_reason(self) -> str | None:
        project = self.session.project
        counts = project.counts(source=PHOTO_SOURCES, status=PHOTO_STATUSES)
        if not counts:
            return NO_CLASSES
        if is_anomaly_project(project):
            return anomaly_refusal(project)
        short = [info.label for info in project.classes() if counts.get(info.id, 0) < MIN_PHOTOS]
        if short:
            return f"Take at least {MIN_PHOTOS} photos of each class ({', '.join(short)} need more)."
        return None

    # -- input ----------------------------------------------------------------------------------

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id or ""
        if button.startswith("pick-"):
            event.stop()
            with self._lock:
                self.class_id = int(button.removeprefix("pick-"))
                self._missed = 0
            self.query_one("#shot-news", Static).update("")
            await self.show_classes()

    async def on_thumb_strip_delete(self, event: ThumbStrip.Delete) -> None:
        event.stop()
        self.session.project.delete_sample(event.sample_id)
        self.query_one("#shot-news", Static).update("Photo deleted.")
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
        worker = get_current_worker()
        try:
            self._show_live(worker)
        except Exception as error:  # the error card says what; the step must not say "Starting…" on
            if not worker.is_cancelled:
                self.app.call_from_thread(self.show_stopped, error)
            raise

    def _show_live(self, worker: Worker) -> None:
        app = self.kiosk  # the app, while this screen is still mounted
        trigger, meter = OpenPalmTrigger(), FpsMeter()
        while not worker.is_cancelled:
            frame = self.session.next_frame()
            masker = self.session.masker  # a new camera (admin) comes with a new masker
            result = masker.preview(frame.image)
            meter.tick(app.clock())
            shot = None
            if trigger.update(result.hands, frame.timestamp) or self._wants_capture(frame.timestamp):
                shot = self._capture(frame.image, masker)
            image = preview_image(frame.image, result, trigger.progress)
            if worker.is_cancelled:
                return
            self.app.call_from_thread(
                self.show_frame, image, OUTCOME_TEXT[result.outcome], meter.text(), shot
            )

    def _capture(self, frame: np.ndarray, masker: ObjectMasker) -> Shot:
        """Keep one photo of the chosen class if the masker sees an object in `frame`."""
        with self._lock:
            class_id = self.class_id
        if class_id is None:
            return Shot("Choose a class first.")
        kept = kept_sample(masker.capture(frame))
        if kept is None:
            with self._lock:
                self._missed += 1
                missed = self._missed
            times = "once" if missed == 1 else f"{missed} times"
            return Shot(f"No object seen, nothing saved ({times}). Hold it up to the camera.")
        project = self.session.project
        try:
            sample = project.add_sample(kept.image, class_id, "camera", mask=kept.mask)
        except NotFound:  # the class was removed meanwhile (museum reset): nothing to keep it in
            return Shot("That class is gone.")
        number = project.counts(source=PHOTO_SOURCES, status=PHOTO_STATUSES).get(class_id, 0)
        return Shot(f"Photo {number} of {sample.label} saved.", sample.id)

    def show_stopped(self, error: Exception) -> None:
        """The live loop ended on an error: say so where "Starting the camera…" was."""
        if not self.is_attached:
            return
        self.query_one("#live-status", Static).update(Text(f"The camera stopped: {error}"))
        self.query_one("#fps", Static).update("")

    async def show_frame(self, image: Image.Image, status: str, fps: str, shot: Shot | None) -> None:
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
        if shot is not None:
            self.query_one("#shot-news", Static).update(Text(shot.words))
            if shot.sample_id is not None:
                await self.show_classes(fresh=shot.sample_id)

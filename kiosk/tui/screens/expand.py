"""Step 3, Expand: new versions of a captured photo, made by the GPU worker or this kiosk, reviewed.

Left, the request: which photo (big ◀ ▶), which change (one button per preset), how much (the one
slider), optional words, and Send. Right, every job with its progress and a Cancel button, and the
review grid of the oldest job that still has undecided pictures. The line under Send says who makes
the pictures right now (the worker, or the classic engine on this kiosk when none is online).

Jobs belong to the session's `Expansion`, not to this screen, and their worker threads to the app:
a visitor may step away while pictures are being made and find them waiting for review on return.
"""

from __future__ import annotations

from typing import ClassVar

from PIL import Image
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Static
from textual.worker import get_current_worker

from kiosk.coach.suggestion import GenerateVariations, ReviewGenerated
from kiosk.generation.expansion import Expansion, ExpansionError
from kiosk.generation.status import JobStatus, Request
from kiosk.store import Sample
from kiosk.tui.screens.base import StepScreen
from kiosk.tui.widgets.change_slider import ChangeSlider
from kiosk.tui.widgets.job_progress import JobProgress
from kiosk.tui.widgets.review_grid import ReviewGrid
from kiosk.tui.widgets.thumbnail import thumbnail
from kiosk.tui.workers import run_guarded
from shared.presets import Preset

PRESETS: tuple[tuple[Preset, str], ...] = (
    (Preset.NEW_COLOUR, "Colour"),
    (Preset.NEW_BACKGROUND, "Scene"),
    (Preset.DIFFERENT_LIGHT, "Light"),
    (Preset.NEW_ANGLE, "Angle"),
    (Preset.MIX, "Mix"),
)
"""The presets offered, with the word on their button; all five work on the classic engine too."""
PICTURES_PER_JOB = 4
PHOTO_CELLS = (8, 3)
THUMBNAIL_PIXELS = 96
"""Longest side a photo is kept at for the picker: sharp enough for terminal graphics, small in memory."""
ENGINE_POLL_S = 1.0
"""How often the engine line is brought up to date (it reads the job client's memory, no I/O)."""
EXPANSION = "expansion"
"""The session's key for this step's `Expansion`."""


def session_expansion(screen: StepScreen) -> Expansion:
    """The session's one Expansion, made on first use with the session's job client."""
    session = screen.session
    return session.keep(EXPANSION, lambda: Expansion(session.project, session.jobs))


class ExpandScreen(StepScreen):
    STEP_KEY = "expand"

    DEFAULT_CSS = """
    ExpandScreen #expand-columns {
        height: 1fr;
    }
    ExpandScreen #expand-setup {
        width: 50;
        height: 100%;
    }
    ExpandScreen.-narrow #expand-setup {
        width: 40;
    }
    ExpandScreen.-narrow ReviewGrid Grid {
        grid-size: 2;
    }
    ExpandScreen #photo-row, ExpandScreen #preset-row, ExpandScreen #send-row {
        height: 3;
        width: 100%;
    }
    ExpandScreen #photo-row > Button {
        width: 5;
        min-width: 5;
    }
    ExpandScreen #photo-label {
        width: 1fr;
        height: 3;
        padding: 0 1;
        content-align: left middle;
    }
    ExpandScreen #preset-row > Button {
        width: 1fr;
        min-width: 8;
        padding: 0;
    }
    ExpandScreen #preset-row > Button.-selected {
        text-style: bold reverse;
    }
    ExpandScreen #expand-text {
        width: 100%;
    }
    ExpandScreen #expand-send {
        width: 100%;
    }
    ExpandScreen #expand-engine {
        height: auto;
        width: 100%;
        color: $text-muted;
    }
    ExpandScreen #expand-results {
        width: 1fr;
        height: 100%;
        padding: 0 0 0 1;
    }
    ExpandScreen #expand-jobs {
        height: auto;
        max-height: 7;
    }
    ExpandScreen #expand-review {
        height: 1fr;
    }
    ExpandScreen #review-empty {
        height: 1fr;
        content-align: center middle;
        color: $text-muted;
    }
    """

    HORIZONTAL_BREAKPOINTS: ClassVar = [(0, "-narrow"), (90, "-wide")]
    """Below 90 columns (an 80x24 terminal) the request column narrows and the grid has 2 columns."""

    BINDINGS: ClassVar = [
        ("ctrl+left", "photo(-1)", "Previous photo"),
        ("ctrl+right", "photo(1)", "Next photo"),
    ]

    def __init__(self, session, request=None) -> None:
        super().__init__(session, request)
        self.photos: list[Sample] = []
        self.thumbnails: dict[str, Image.Image] = {}
        self.photo_index = 0
        self.preset: Preset | None = Preset.NEW_COLOUR
        if isinstance(request, GenerateVariations):
            self.preset = request.preset

    @property
    def expansion(self) -> Expansion:
        return session_expansion(self)

    # -- layout ---------------------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="expand-columns"):
            with VerticalScroll(id="expand-setup"):
                with Horizontal(id="photo-row"):
                    yield Button("◀", id="photo-previous")
                    yield thumbnail(None, PHOTO_CELLS, id="photo-thumbnail")
                    yield Static("Loading your photos...", id="photo-label")
                    yield Button("▶", id="photo-next")
                with Horizontal(id="preset-row"):
                    for preset, word in PRESETS:
                        yield Button(word, id=f"preset-{preset}", classes="preset")
                yield ChangeSlider(0.5, id="expand-change")
                yield Input(placeholder="or write what to change (GPU worker only)", id="expand-text")
                with Horizontal(id="send-row"):
                    yield Button(f"Make {PICTURES_PER_JOB} new pictures", id="expand-send", variant="primary")
                yield Static("", id="expand-engine")
            with Vertical(id="expand-results"):
                yield VerticalScroll(id="expand-jobs")
                yield Vertical(Static("New pictures appear here.", id="review-empty"), id="expand-review")

    def on_mount(self) -> None:
        self._mark_preset()
        self.show_engine()
        self.set_interval(ENGINE_POLL_S, self.show_engine)
        for status in self.expansion.statuses():
            self.show_job(status)
        self.run_in_thread(self._load_photos, name="photos", group="photos", exclusive=True)

    # -- choosing the photo ---------------------------------------------------------------------

    def show_engine(self) -> None:
        """Say who would make the pictures now; a worker coming or going changes it."""
        self.query_one("#expand-engine", Static).update(self.expansion.engine_words())

    def _load_photos(self) -> None:
        from kiosk.learning.project_training import real_samples

        project = self.session.project
        photos = real_samples(project)
        thumbnails = {}
        for loaded in project.iter_images(photos):
            loaded.image.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
            thumbnails[loaded.sample.id] = loaded.image
        self.app.call_from_thread(self._photos_loaded, photos, thumbnails)

    def _photos_loaded(self, photos: list[Sample], thumbnails: dict[str, Image.Image]) -> None:
        self.photos = [photo for photo in photos if photo.id in thumbnails]
        self.thumbnails = thumbnails
        wanted = self._requested_labels()
        start = next((i for i, p in enumerate(self.photos) if p.label in wanted), 0)
        self._show_photo(start)
        if isinstance(self.request, ReviewGenerated):
            labels = " and ".join(self.request.labels)
            self.set_hint(f"Some new {labels} pictures were too different to teach: make closer ones.")

    def _requested_labels(self) -> tuple[str, ...]:
        if isinstance(self.request, GenerateVariations | ReviewGenerated):
            return self.request.labels
        return ()

    def _show_photo(self, index: int) -> None:
        label = self.query_one("#photo-label", Static)
        if not self.photos:
            label.update("No photos yet: take some on the Capture step.")
            self.query_one("#photo-thumbnail").image = None  # type: ignore[attr-defined]
            return
        self.photo_index = index % len(self.photos)
        photo = self.photos[self.photo_index]
        self.query_one("#photo-thumbnail").image = self.thumbnails[photo.id]  # type: ignore[attr-defined]
        label.update(f"{photo.label}\nphoto {self.photo_index + 1} of {len(self.photos)}")

    def action_photo(self, step: int) -> None:
        self._show_photo(self.photo_index + step)

    @property
    def photo(self) -> Sample | None:
        return self.photos[self.photo_index] if self.photos else None

    # -- the request ----------------------------------------------------------------------------

    def _mark_preset(self) -> None:
        for button in self.query("#preset-row > Button").results(Button):
            button.set_class(button.id == f"preset-{self.preset}", "-selected")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        name = event.button.id or ""
        if name.startswith("preset-"):
            event.stop()
            self.preset = Preset(name.removeprefix("preset-"))
            self._mark_preset()
        elif name in ("photo-previous", "photo-next"):
            event.stop()
            self.action_photo(-1 if name == "photo-previous" else 1)
        elif name == "expand-send":
            event.stop()
            self.send()

    def send(self) -> None:
        """Send the request on a worker thread owned by the app, so it outlives this screen."""
        photo = self.photo
        if photo is None:
            self.set_hint("Take a photo on the Capture step first.", warning=True)
            return
        text = self.query_one("#expand-text", Input).value.strip() or None
        change = self.query_one(ChangeSlider).value
        request = Request(photo.id, self.preset, change, text, PICTURES_PER_JOB)
        self.show_engine()
        run_guarded(self.app, self._run_job, self.expansion, request, name="expand", group="expand-jobs")

    def _run_job(self, expansion: Expansion, request: Request) -> None:
        app, worker = self.app, get_current_worker()
        try:
            job_id = expansion.send(request)
        except ExpansionError as exc:
            app.call_from_thread(_deliver, app, "set_hint", str(exc), warning=True)
            return

        def report(status: JobStatus) -> None:
            app.call_from_thread(_deliver, app, "show_job", status)

        expansion.follow(job_id, report, stop=lambda: worker.is_cancelled)

    # -- jobs and review ------------------------------------------------------------------------

    def show_job(self, status: JobStatus) -> None:
        """Draw a job's latest state, and the review grid when it has pictures to decide on."""
        jobs = self.query_one("#expand-jobs", VerticalScroll)
        found = jobs.query(f"#job-{status.job_id}").results(JobProgress)
        shown = next(iter(found), None)
        if shown is None:
            jobs.mount(JobProgress(status))
            jobs.scroll_end(animate=False)
        else:
            shown.show(status)
        self._show_review()

    def _show_review(self) -> None:
        """The grid of the oldest job with undecided pictures (rebuilt only when that changes)."""
        waiting = next((s for s in self.expansion.statuses() if s.phase.finished and s.results), None)
        area = self.query_one("#expand-review", Vertical)
        current = next(iter(area.query(ReviewGrid).results(ReviewGrid)), None)
        wanted = None if waiting is None else (waiting.job_id, tuple(r.index for r in waiting.results))
        have = None if current is None else (current.job_id, tuple(r.index for r in current.results))
        if wanted == have:
            return
        area.remove_children()
        if waiting is None:
            area.mount(Static("New pictures appear here.", id="review-empty"))
        else:
            area.mount(ReviewGrid(waiting.job_id, waiting.results))

    def on_job_progress_cancel_pressed(self, event: JobProgress.CancelPressed) -> None:
        event.stop()
        expansion, app = self.expansion, self.app

        def cancel() -> None:
            status = expansion.cancel(event.job_id)
            app.call_from_thread(_deliver, app, "show_job", status)

        self.run_in_thread(cancel, name="cancel")

    def on_review_grid_decided(self, event: ReviewGrid.Decided) -> None:
        event.stop()
        expansion, app = self.expansion, self.app

        def decide() -> None:
            if event.keep:
                saved = expansion.accept(event.job_id, event.indices)
                label = expansion.status(event.job_id).label
                words = f"Kept {len(saved)}: they will help train the {label} class."
            else:
                dropped = expansion.reject(event.job_id, event.indices)
                words = f"Dropped {dropped}."
            app.call_from_thread(_deliver, app, "after_review", expansion.status(event.job_id), words)

        self.run_in_thread(decide, name="review")

    def after_review(self, status: JobStatus, words: str) -> None:
        self.set_hint(words)
        self.show_job(status)
        for panel in self.query("#coach-panel"):
            panel.reconsider()  # type: ignore[attr-defined]


def _deliver(app, method: str, *args: object, **kwargs: object) -> None:
    """Call the expand screen's `method` if it is the one showing: the visitor may have stepped
    away (the job's state stays in the session's Expansion for their return), or the app closed."""
    screen = app.screen_stack[-1] if app.screen_stack else None
    if isinstance(screen, ExpandScreen):
        getattr(screen, method)(*args, **kwargs)

"""Step 3, Expand: new versions of captured photos, made by a worker or this kiosk, then reviewed.

Left, the request: which photo (big ◀ ▶, shown with its mask; photos whose mask is poor are marked
and come last, `kiosk.generation.mask_quality`), which change (one button per preset the online
engines can make, `kiosk.generation.engine_policy`), how much (the one slider), words (only while a
backend that reads them is online), and two sends: this photo, or every photo of its class at once.
Right, every job (or class run: one bar, one Cancel all) with its progress, and the review grid of
the oldest job or run that still has undecided pictures, one section per source photo, each card
naming the engine and model that made it. The line under Send says who makes the pictures right
now: which helper computers, running which engine, or the classic engine on this kiosk.

Jobs belong to the session's `Expansion`, not to this screen, and their worker threads to the app:
a visitor may step away while pictures are being made and find them waiting for review on return.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from PIL import Image
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Static
from textual.worker import get_current_worker

from kiosk.coach.suggestion import GenerateVariations, ReviewGenerated
from kiosk.generation.engine_policy import engine_name
from kiosk.generation.expansion import Expansion, ExpansionError, sources
from kiosk.generation.mask_quality import MaskQuality, assess, trusted_first
from kiosk.generation.status import ClassRequest, JobStatus, Request, group_status
from kiosk.live.view import photo_with_mask
from kiosk.store import Sample
from kiosk.tui.screens.base import StepScreen
from kiosk.tui.widgets.change_slider import ChangeSlider
from kiosk.tui.widgets.job_progress import JobProgress
from kiosk.tui.widgets.review_grid import ReviewGrid, ReviewSection
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
"""The presets every kiosk can make (its own classic engine does them), with their button's word."""
DIFFUSION_PRESETS: tuple[tuple[Preset, str], ...] = (
    (Preset.RIPER, "Riper"),
    (Preset.ROTTEN, "Rotten"),
    (Preset.UNRIPE, "Unripe"),
)
"""Presets only a diffusion worker makes: their row shows only while the policy offers them."""
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
    ExpandScreen #photo-row, ExpandScreen .preset-row, ExpandScreen #send-row {
        height: 3;
        width: 100%;
    }
    ExpandScreen #send-row > Button {
        width: 1fr;
        min-width: 8;
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
    ExpandScreen #photo-label.-poor-mask {
        color: $warning;
    }
    ExpandScreen .preset-row > Button {
        width: 1fr;
        min-width: 8;
        padding: 0;
    }
    ExpandScreen .preset-row > Button.-selected {
        text-style: bold reverse;
    }
    ExpandScreen #expand-text {
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
        self.masks: dict[str, MaskQuality] = {}
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
                with Horizontal(id="preset-row", classes="preset-row"):
                    for preset, word in PRESETS:
                        yield Button(word, id=f"preset-{preset}", classes="preset")
                with Horizontal(id="preset-row-diffusion", classes="preset-row"):
                    for preset, word in DIFFUSION_PRESETS:
                        yield Button(word, id=f"preset-{preset}", classes="preset")
                yield ChangeSlider(0.5, id="expand-change")
                yield Input(placeholder="and write what to change (optional)", id="expand-text")
                with Horizontal(id="send-row"):
                    yield Button(f"Make {PICTURES_PER_JOB} new pictures", id="expand-send", variant="primary")
                    yield Button("Vary whole class", id="expand-send-class")
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
        """Say who would make the pictures now, and show what they can make: a worker coming or
        going changes the line, the presets offered and whether the text box is there."""
        expansion = self.expansion
        offer = expansion.offer()
        self.query_one("#expand-engine", Static).update(expansion.engine_words())
        for button in self.query(".preset-row > Button").results(Button):
            button.display = Preset((button.id or "").removeprefix("preset-")) in offer.presets
        diffusion = self.query_one("#preset-row-diffusion")
        diffusion.display = any(preset in offer.presets for preset, _ in DIFFUSION_PRESETS)
        self.query_one("#expand-text", Input).display = offer.reads_text

    def _load_photos(self) -> None:
        project = self.session.project
        photos = sources(project)
        thumbnails, masks = {}, {}
        for loaded in project.iter_images(photos, masks=True):
            masks[loaded.sample.id] = assess(loaded.mask)
            thumbnails[loaded.sample.id] = photo_with_mask(loaded.image, loaded.mask, THUMBNAIL_PIXELS)
        self.app.call_from_thread(self._photos_loaded, photos, thumbnails, masks)

    def _photos_loaded(
        self, photos: list[Sample], thumbnails: dict[str, Image.Image], masks: dict[str, MaskQuality]
    ) -> None:
        """Photos with a trusted mask first: the ones a visitor should vary are the ones met first."""
        self.masks = masks
        loaded = [photo for photo in photos if photo.id in thumbnails]
        self.photos = trusted_first(loaded, lambda photo: masks[photo.id])
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
        classes = self._classes_to_vary(photo)
        whole = "Vary whole class" if len(classes) == 1 else f"Vary all {len(classes)} classes"
        self.query_one("#expand-send-class", Button).label = whole
        quality = self.masks[photo.id]
        label.set_class(not quality.trusted, "-poor-mask")
        warning = "" if quality.trusted else f"\n⚠ {quality.words}"
        made = "" if photo.is_real else " (a kept new picture)"
        label.update(f"{photo.label}\nphoto {self.photo_index + 1} of {len(self.photos)}{made}{warning}")

    def action_photo(self, step: int) -> None:
        self._show_photo(self.photo_index + step)

    @property
    def photo(self) -> Sample | None:
        return self.photos[self.photo_index] if self.photos else None

    # -- the request ----------------------------------------------------------------------------

    def _mark_preset(self) -> None:
        for button in self.query(".preset-row > Button").results(Button):
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
        elif name == "expand-send-class":
            event.stop()
            self.send_class()

    def _typed(self) -> str | None:
        """The words typed, when the box is there to type in (a backend that reads them is online)."""
        box = self.query_one("#expand-text", Input)
        return (box.value.strip() or None) if box.display else None

    def send(self) -> None:
        """Vary the shown photo."""
        self._send(
            lambda photo, change, text: (Request(photo.id, self.preset, change, text, PICTURES_PER_JOB),)
        )

    def send_class(self) -> None:
        """One tap: every photo of the shown photo's class (of every class the coach named, when it
        is one of them), each class sent together (the worker batches them) with one bar of its own."""
        self._send(
            lambda photo, change, text: tuple(
                ClassRequest(label, self.preset, change, text, PICTURES_PER_JOB)
                for label in self._classes_to_vary(photo)
            )
        )

    def _classes_to_vary(self, photo: Sample) -> tuple[str, ...]:
        """The classes a whole-class tap varies with `photo` shown."""
        named = self.request.labels if isinstance(self.request, GenerateVariations) else ()
        return named if photo.label in named else (photo.label,)

    def _send(self, make: Callable[[Sample, float, str | None], tuple[Request | ClassRequest, ...]]) -> None:
        """Send the requests `make` builds on a worker thread owned by the app, so they outlive this
        screen."""
        photo = self.photo
        if photo is None:
            self.set_hint("Take a photo on the Capture step first.", warning=True)
            return
        requests = make(photo, self.query_one(ChangeSlider).value, self._typed())
        self.show_engine()
        run_guarded(self.app, self._run_jobs, self.expansion, requests, name="expand", group="expand-jobs")

    def _run_jobs(self, expansion: Expansion, requests: tuple[Request | ClassRequest, ...]) -> None:
        app, worker = self.app, get_current_worker()
        job_ids: list[str] = []
        problems: list[str] = []
        for request in requests:
            try:
                if isinstance(request, ClassRequest):
                    run = expansion.send_class(request)
                    job_ids += run.job_ids
                    if run.skipped:
                        problems.append(f"{len(run.skipped)} photos were left out: {run.skipped[0][1]}")
                else:
                    job_ids.append(expansion.send(request))
            except ExpansionError as exc:
                problems.append(str(exc))
        if problems:
            app.call_from_thread(_deliver, app, "set_hint", " ".join(problems), warning=True)

        def report(status: JobStatus) -> None:
            app.call_from_thread(_deliver, app, "show_job", status)

        expansion.follow_all(job_ids, report, stop=lambda: worker.is_cancelled)

    # -- jobs and review ------------------------------------------------------------------------

    def show_job(self, status: JobStatus) -> None:
        """Draw a job's latest state (its class run's, for a job of one), and the review grid when
        there are pictures to decide on."""
        photos = 1
        if status.group is not None:
            jobs = self.expansion.group(status.group)
            status, photos = group_status(status.group, jobs), len(jobs)
        area = self.query_one("#expand-jobs", VerticalScroll)
        found = area.query(f"#job-{status.job_id}").results(JobProgress)
        shown = next(iter(found), None)
        if shown is None:
            area.mount(JobProgress(status, photos))
            area.scroll_end(animate=False)
        else:
            shown.show(status, photos)
        self._show_review()

    def _show_review(self) -> None:
        """The grid of the oldest job or class run with undecided pictures, one section per source
        photo (rebuilt only when what it shows changes)."""
        sections: list[ReviewSection] = []
        unit = None
        for status in self.expansion.statuses():
            if not (status.phase.finished and status.results):
                continue
            key = status.group or status.job_id
            if unit not in (None, key):
                continue
            unit = key
            sections.append(ReviewSection(status.job_id, self._source_heading(status), status.results))
        area = self.query_one("#expand-review", Vertical)
        current = next(iter(area.query(ReviewGrid).results(ReviewGrid)), None)
        wanted = tuple((s.job_id, tuple(r.index for r in s.results)) for s in sections)
        if wanted == (() if current is None else current.key):
            return
        area.remove_children()
        if not sections:
            area.mount(Static("New pictures appear here.", id="review-empty"))
        else:
            area.mount(ReviewGrid(sections))

    def _source_heading(self, status: JobStatus) -> str:
        """ "From apple photo 2 (inpainting diffusion)": which photo a section's pictures vary."""
        number = next((i + 1 for i, p in enumerate(self.photos) if p.id == status.request.sample_id), None)
        photo = f"{status.label} photo {number}" if number else f"a {status.label} photo"
        return f"From {photo} ({engine_name(status.backend, self.expansion.policy.traits)})"

    def on_job_progress_cancel_pressed(self, event: JobProgress.CancelPressed) -> None:
        event.stop()
        expansion, app = self.expansion, self.app
        group = event.job_id if expansion.group(event.job_id) else None

        def cancel() -> None:
            statuses = expansion.cancel_group(group) if group else [expansion.cancel(event.job_id)]
            for status in statuses:
                app.call_from_thread(_deliver, app, "show_job", status)

        self.run_in_thread(cancel, name="cancel")

    def on_review_grid_decided(self, event: ReviewGrid.Decided) -> None:
        event.stop()
        expansion, app = self.expansion, self.app

        def decide() -> None:
            if event.keep:
                saved = [s for job_id, indices in event.choices for s in expansion.accept(job_id, indices)]
                label = expansion.status(event.choices[0][0]).label
                words = f"Kept {len(saved)}: they will help train the {label} class."
            else:
                dropped = sum(expansion.reject(job_id, indices) for job_id, indices in event.choices)
                words = f"Dropped {dropped}."
            last = expansion.status(event.choices[-1][0])
            app.call_from_thread(_deliver, app, "after_review", last, words)

        self.run_in_thread(decide, name="review")

    def after_review(self, status: JobStatus, words: str) -> None:
        self.set_hint(words)
        self.show_job(status)


def _deliver(app, method: str, *args: object, **kwargs: object) -> None:
    """Call the expand screen's `method` if it is the one showing: the visitor may have stepped
    away (the job's state stays in the session's Expansion for their return), or the app closed."""
    screen = app.screen_stack[-1] if app.screen_stack else None
    if isinstance(screen, ExpandScreen):
        getattr(screen, method)(*args, **kwargs)

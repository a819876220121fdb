"""Step 4, Train: one big button, a progress bar, then how good the model is, in words and pictures.

Results, left to right: what changed against the model in use before ("+8 points on pear. 3 photos
added"), accuracy on the visitor's real photos with a bar per class and the confusion matrix; then
whether the generated pictures helped (real-only / mixed / generated-only,
`training_run.comparison_words`, which also says when the model left them out), how many passed the
quality gate, and the photos the model got wrong. When there was a model before, "Use the model
before" makes it the current model again (the Try step predicts with the current one) and says so.
A project that cannot train yet (fewer than two classes with photos) gets a sentence saying what to
do instead of a crash. Training runs on an app-owned worker thread and its report is kept in the
session, so stepping away mid-run loses nothing.
"""

from __future__ import annotations

import contextlib

from PIL import Image
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from kiosk.coach.suggestion import Retrain
from kiosk.learning.rollback import VersionError, make_current
from kiosk.learning.training_run import (
    Progress,
    TrainingRefused,
    TrainingReport,
    TrainingRun,
    training_refusal,
)
from kiosk.session import KioskSession
from kiosk.store import StoreError
from kiosk.tui.screens.base import StepScreen
from kiosk.tui.screens.expand import THUMBNAIL_PIXELS
from kiosk.tui.widgets.bars import bar_text
from kiosk.tui.widgets.class_bars import ClassBars
from kiosk.tui.widgets.comparison_summary import ComparisonSummary
from kiosk.tui.widgets.confusion_matrix import ConfusionMatrix
from kiosk.tui.widgets.thumbnail import thumbnail
from kiosk.tui.workers import run_guarded

BAR_CELLS = 30
MISSES_SHOWN = 4
MISS_CELLS = (8, 4)
REPORT = "training-report"
"""The session's key for the latest `TrainingReport` and its miss thumbnails."""


class TrainingResults:
    """The latest run of this session, kept across visits to the train step."""

    def __init__(self) -> None:
        self.report: TrainingReport | None = None
        self.miss_images: dict[str, Image.Image] = {}
        self.running = False
        self.rolled_back_to: int | None = None
        """The version made current again after `report`'s, if the visitor went back."""


class TrainScreen(StepScreen):
    STEP_KEY = "train"

    DEFAULT_CSS = """
    TrainScreen #train-top {
        height: 3;
        width: 100%;
    }
    TrainScreen #train-start {
        width: 20;
    }
    TrainScreen #train-status {
        width: 1fr;
        height: 3;
        padding: 0 1;
    }
    TrainScreen #train-rollback {
        width: 24;
        display: none;
    }
    TrainScreen #train-results {
        height: 1fr;
        width: 100%;
    }
    TrainScreen #train-left {
        width: 1fr;
        height: auto;
    }
    TrainScreen #train-right {
        width: 1fr;
        height: auto;
        padding: 0 0 0 2;
    }
    TrainScreen .train-heading {
        text-style: bold;
        margin: 1 0 0 0;
    }
    TrainScreen #train-misses {
        height: auto;
    }
    TrainScreen .miss {
        width: 12;
        height: auto;
    }
    TrainScreen .miss-words {
        width: 12;
        height: 2;
    }
    """

    def __init__(self, session, request=None) -> None:
        super().__init__(session, request)
        self.results = session.keep(REPORT, TrainingResults)

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="train-top"):
            yield Button("Train", id="train-start", variant="primary", classes="big")
            yield Static("", id="train-status")
            yield Button("Use the model before", id="train-rollback", classes="big")
        yield VerticalScroll(id="train-results")

    def on_mount(self) -> None:
        if self.results.report is not None:
            self.show_report(self.results.report, self.results.miss_images)
            if self.results.rolled_back_to is not None:
                self.show_rolled_back(self.results.rolled_back_to)
        elif not self.results.running:
            self.query_one("#train-status", Static).update("Press Train: it takes a few seconds.")
        if isinstance(self.request, Retrain) and not self.results.running:
            self.start()

    def blocked_reason(self) -> str | None:
        if self.results.report is None and self.session.project.latest_good_model() is None:
            return "Train once before trying it out: press Train."
        return None

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "train-start":
            event.stop()
            self.start()
        elif event.button.id == "train-rollback":
            event.stop()
            self.roll_back()

    def start(self) -> None:
        """Train on an app-owned thread, unless the project cannot train yet (then say why)."""
        if self.results.running:
            return
        reason = training_refusal(self.session.project)
        if reason is not None:
            self.set_hint(reason, warning=True)
            self.query_one("#train-status", Static).update(reason)
            return
        self.results.running = True
        self.query_one("#train-start", Button).disabled = True
        self.query_one("#train-rollback", Button).display = False
        self.show_progress(Progress("features", "Starting", 0.0))
        run_guarded(self.app, _train, self.app, self.session, self.results, name="training", group="training")

    def show_progress(self, progress: Progress) -> None:
        self.query_one("#train-status", Static).update(
            f"{bar_text(progress.fraction, BAR_CELLS)} {progress.fraction:.0%}\n{progress.words}"
        )

    def training_ended(self) -> None:
        """Whatever happened (report, refusal, crash shown on an error card), Train works again."""
        self.query_one("#train-start", Button).disabled = False

    def show_refusal(self, words: str) -> None:
        self.query_one("#train-status", Static).update(words)
        self.set_hint(words, warning=True)

    def show_report(self, report: TrainingReport, miss_images: dict[str, Image.Image]) -> None:
        self.query_one("#train-status", Static).update(f"Trained. {report.accuracy_words}")
        area = self.query_one("#train-results", VerticalScroll)
        area.remove_children()
        left = Vertical(
            Static(report.changes_words, id="train-changes"),
            Static("How often it is right, per class", classes="train-heading"),
            ClassBars(report.per_class, id="train-class-bars"),
            Static("What it said for each photo", classes="train-heading"),
            ConfusionMatrix(report.labels, report.confusion, id="train-confusion"),
            id="train-left",
        )
        right = Vertical(
            Static("Did the new pictures help?", classes="train-heading"),
            ComparisonSummary(report.comparison_words, report.comparison, id="train-comparison"),
            Static(report.gate_words, id="train-gate"),
            Static(_misses_heading(report), classes="train-heading"),
            Horizontal(*_miss_cells(report, miss_images), id="train-misses"),
            id="train-right",
        )
        area.mount(Horizontal(left, right))
        self.query_one("#train-rollback", Button).display = report.previous is not None
        self.set_hint("Done! Press Next to try your model, or take more photos to make it better.")
        self.refresh_nav()
        self.reconsider_coach()

    def roll_back(self) -> None:
        """Make the version in use before the latest training current again: one tap, no worker
        (a row update and a check that its model loads)."""
        report = self.results.report
        if report is None or report.previous is None or self.results.running:
            return
        try:
            version = make_current(self.session.project, report.previous)
        except (VersionError, StoreError) as exc:
            self.show_refusal(f"Cannot go back: {exc}.")
            return
        self.results.rolled_back_to = version.id
        self.show_rolled_back(version.id)
        self.reconsider_coach()

    def show_rolled_back(self, version: int) -> None:
        words = f"Back to the model before (version {version}): the Try step uses it now."
        self.query_one("#train-status", Static).update(words)
        self.query_one("#train-rollback", Button).display = False
        self.set_hint(f"{words} Press Train to train again with everything.")

    def reconsider_coach(self) -> None:
        """The coach judges the current model ("new photos since it was trained"): ask it again."""
        for panel in self.query("#coach-panel"):
            panel.reconsider()  # type: ignore[attr-defined]


def _misses_heading(report: TrainingReport) -> str:
    if not report.misses:
        return "No photo was mistaken."
    return f"Photos it got wrong ({len(report.misses)})"


def _miss_cells(report: TrainingReport, images: dict[str, Image.Image]) -> list[Vertical]:
    cells = []
    for miss in report.misses[:MISSES_SHOWN]:
        words = f"is {miss.true}\nsaid {miss.predicted}"
        picture = thumbnail(images.get(miss.sample), MISS_CELLS)
        cells.append(Vertical(picture, Static(words, classes="miss-words"), classes="miss"))
    return cells


def _train(app, session: KioskSession, results: TrainingResults) -> None:
    """The worker: load the backbone (the first time, a second on the Pi), train, load thumbnails of
    the mistakes, and hand everything to the screen."""
    try:
        run = TrainingRun(session.project, session.backbone)
        report = run.run(lambda progress: app.call_from_thread(_deliver, app, "show_progress", progress))
        images = {}
        for miss in report.misses[:MISSES_SHOWN]:
            with contextlib.suppress(StoreError):  # a photo deleted meanwhile: its cell stays blank
                image = run.project.load_image(miss.sample)
                image.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
                images[miss.sample] = image
        results.report, results.miss_images, results.rolled_back_to = report, images, None
        app.call_from_thread(_deliver, app, "show_report", report, images)
    except TrainingRefused as exc:
        app.call_from_thread(_deliver, app, "show_refusal", str(exc))
    finally:
        results.running = False
        app.call_from_thread(_deliver, app, "training_ended")


def _deliver(app, method: str, *args: object) -> None:
    """Call the train screen's `method` if it is the one showing (the visitor may have left, or the
    app closed)."""
    screen = app.screen_stack[-1] if app.screen_stack else None
    if isinstance(screen, TrainScreen):
        getattr(screen, method)(*args)

"""The coach panel under every step: the coach's top suggestion and one button that carries it out.

DuetML's proactive assistant (docs/architecture.md#research) helped people notice what they overlooked; here
the rules of `kiosk.coach` look at the project and the best suggestion is shown with a button that
does the thing: "Make new versions" opens the expand step with the suggested preset on the class
the coach named, "Take photos" the capture step on that class, and so on (`steps.step_for_action`).
The project is read on a worker thread (features of new photos are computed and cached there), so
the panel fills in a moment after the step appears.

The panel follows the project by itself: every `FOLLOW_S` it compares the project's revision
(`Project.revision`, which every committed change to classes, samples or models moves) with the one
its advice is about, and looks again when they differ, one look at a time. So a capture, a deletion
or relabelling in review, a kept generated picture or a training run changes the advice without the
screen that made the change knowing the coach is there.

The reason wraps, and the panel grows with it up to five lines (its slot's height); the rules keep
their reasons within three lines at 80 columns (`tests/kiosk/tui/widgets/test_coach_panel.py` checks
every rule at 80x24 and 100x30), and a longer one (class names near the 64-character limit) scrolls
rather than being cut off mid-sentence.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.css.query import NoMatches
from textual.widgets import Button, Static
from textual.worker import Worker, get_current_worker

from kiosk.coach import suggest
from kiosk.coach.project_state import project_state
from kiosk.coach.suggestion import (
    Action,
    AddClass,
    CaptureSamples,
    GenerateVariations,
    RenameClass,
    Retrain,
    ReviewGenerated,
    Suggestion,
)
from kiosk.session import KioskSession
from kiosk.tui.steps import step_for_action
from kiosk.tui.workers import run_guarded

FOLLOW_S = 0.5
"""How often the panel compares the project's revision with its advice's: reading one number."""
THINKING = "Coach: looking at your project..."
ALL_GOOD = "Coach: nothing to add right now. Keep going!"
BUTTON_CHARS = 20
"""What fits on the panel's button (24 cells less its border and padding): a class name longer than
the room left beside the verb is not named on it."""


def button_words(action: Action) -> str:
    """What the panel's button says for an action: a verb the visitor can follow."""
    if isinstance(action, AddClass):
        return _naming("Add", action.label, "Add a class")
    if isinstance(action, RenameClass):
        return _naming("Rename", action.label, "Rename it")
    if isinstance(action, CaptureSamples):
        return "Take photos"
    if isinstance(action, GenerateVariations):
        return "Make " + str(action.preset).replace("_", " ")
    if isinstance(action, ReviewGenerated):
        return "Review them"
    if isinstance(action, Retrain):
        return "Train now"
    raise TypeError(f"no button for {type(action).__name__}")


def _naming(verb: str, label: str | None, otherwise: str) -> str:
    """ "Add “something else”" where the name fits on the button, else `otherwise`."""
    words = f"{verb} “{label}”"
    return words if label is not None and len(words) <= BUTTON_CHARS else otherwise


def top_suggestion(session: KioskSession) -> Suggestion | None:
    """The coach's best suggestion for the project as it is now (blocking: a worker calls it)."""
    found = suggest(project_state(session.project, session.backbone))
    return found[0] if found else None


class CoachPanel(Horizontal):
    DEFAULT_CSS = """
    CoachPanel {
        height: auto;
        width: 100%;
        background: $primary 15%;
    }
    CoachPanel > #coach-words {
        width: 1fr;
        height: auto;
        max-height: 5;
    }
    CoachPanel #coach-reason {
        height: auto;
        padding: 0 1;
    }
    CoachPanel > #coach-do {
        width: 24;
        min-width: 16;
    }
    """

    def __init__(self, session: KioskSession) -> None:
        super().__init__(id="coach-panel")
        self.session = session
        self.suggestion: Suggestion | None = None
        self._judged: int | None = None
        """The project revision the latest look began at; None before the first."""
        self._look: Worker | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="coach-words"):
            yield Static(THINKING, id="coach-reason")
        button = Button("", id="coach-do", variant="primary")
        button.display = False
        yield button

    def on_mount(self) -> None:
        self.reconsider()
        self.set_interval(FOLLOW_S, self._follow)

    def _follow(self) -> None:
        if self.session.project.revision != self._judged:
            self.reconsider()

    def reconsider(self) -> None:
        """Look at the project again, unless a look is under way: when that one ends, `_follow`
        sees whether the project changed after it began."""
        if self._look is not None and not self._look.is_finished:
            return
        self._judged = self.session.project.revision
        self._look = run_guarded(self, self._think, name="coach", group="coach")

    def advise(self) -> Suggestion | None:
        """The advice to show (on the worker thread): the coach's best for the whole project."""
        return top_suggestion(self.session)

    def carry_out(self, action: Action) -> None:
        """The button was tapped: open the step that does the thing, told what to do."""
        self.app.goto_step(step_for_action(action).key, request=action)  # type: ignore[attr-defined]

    def _think(self) -> None:
        suggestion = self.advise()
        if not get_current_worker().is_cancelled:  # the step was left meanwhile: nobody to tell
            self.app.call_from_thread(self.show, suggestion)

    def show(self, suggestion: Suggestion | None) -> None:
        self.suggestion = suggestion
        try:
            reason = self.query_one("#coach-reason", Static)
            button = self.query_one("#coach-do", Button)
        except NoMatches:  # the panel is being removed: the visitor moved on while it thought
            return
        if suggestion is None:
            reason.update(ALL_GOOD)
            button.display = False
            return
        reason.update(f"Coach: {suggestion.reason}")
        button.label = button_words(suggestion.action)
        button.display = True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id != "coach-do" or self.suggestion is None:
            return
        event.stop()
        self.carry_out(self.suggestion.action)

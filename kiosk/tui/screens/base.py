"""What every step screen has: progress across the steps, the hint line, a body, the coach, Back/Next.

A step's screen subclasses `StepScreen`, sets `STEP_KEY` and implements `compose_body`:

    class TrainScreen(StepScreen):
        STEP_KEY = "train"

        def compose_body(self) -> ComposeResult:
            yield Button("Train", id="train-start", classes="big")

        def blocked_reason(self) -> str | None:
            return None if self.trained else "Train once before trying it out."

The app builds a fresh screen each time the visitor arrives at a step, as `Screen(session, request)`
(`request` is the coach action that sent the visitor here, or None), so a screen reads its state
from the session and the project when it mounts. Heavy work goes through `run_in_thread`: a crash
there shows an error card and the kiosk keeps running.

Layout, top to bottom: progress (1 row), hint (1 row), body (the rest), coach slot (the coach
panel, when there is one), nav bar (3 rows: big Back and Next, Ask between them), status bar (1 row).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal
from textual.screen import Screen
from textual.widgets import Button, Static
from textual.worker import Worker

from kiosk.coach.suggestion import Action
from kiosk.session import KioskSession
from kiosk.tui.steps import STEPS, Step, StepUnavailable, index_of, step
from kiosk.tui.widgets.status_bar import StatusBar
from kiosk.tui.widgets.step_progress import StepProgress
from kiosk.tui.workers import run_guarded

if TYPE_CHECKING:
    from kiosk.tui.app import TeachBoothApp

COACH_PANEL = "kiosk.tui.widgets.coach_panel:CoachPanel"
"""The coach panel's import path; the slot stays empty while it cannot be imported."""


class StepScreen(Screen):
    """Base of the five step screens; see the module docstring for the contract."""

    STEP_KEY: ClassVar[str] = ""
    SHOW_COACH: ClassVar[bool] = True
    """Whether the coach panel appears under the body on this step."""

    BINDINGS: ClassVar = [
        # Priority: a scrollable list with the focus (the Expand step's jobs after a few reviews)
        # would otherwise take the page keys for itself, and they would stop changing steps.
        Binding("pagedown", "next_step", "Next", show=False, priority=True),
        Binding("pageup", "previous_step", "Back", show=False, priority=True),
    ]

    def __init__(self, session: KioskSession, request: Action | None = None) -> None:
        super().__init__()
        self.session = session
        self.request = request
        self.step_key = self.STEP_KEY
        """Which step this screen shows (the stand-in for an unavailable step shows that step)."""
        self._refusing = False
        """The hint line says why Next is refused (not some other warning)."""

    @property
    def step(self) -> Step:
        return step(self.step_key)

    @property
    def kiosk(self) -> TeachBoothApp:
        """The app, typed (screens call `goto_step`, `show_error`)."""
        return self.app  # type: ignore[return-value]

    # -- what a step implements ---------------------------------------------------------------

    def compose_body(self) -> ComposeResult:
        """The step's own widgets."""
        yield from ()

    def blocked_reason(self) -> str | None:
        """Why Next may not be pressed yet, in words for the visitor; None when it may."""
        return None

    # -- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        self.add_class(f"step-{self.step_key}")
        yield StepProgress(self.step_key)
        yield Static(self.step.hint, id="hint")
        with Container(id="step-body"):
            yield from self.compose_body()
        with Container(id="coach-slot"):
            yield from self.compose_coach()
        with Horizontal(id="nav-bar"):
            position = index_of(self.step_key)
            yield Button("< Back", id="nav-back", classes="nav", disabled=position == 0)
            yield Static(f"Step {position + 1} of {len(STEPS)}", id="nav-position")
            yield Button("Ask", id="nav-ask")
            yield Button(
                "Next >", id="nav-next", classes="nav", variant="primary", disabled=position == len(STEPS) - 1
            )
        yield StatusBar(self.session)

    def compose_coach(self) -> ComposeResult:
        if not (self.SHOW_COACH and self.kiosk.settings.coach):
            return
        try:
            panel = Step("coach", "Coach", "", COACH_PANEL).load()
        except StepUnavailable:
            return
        yield panel(self.session)  # type: ignore[call-arg]

    # -- hint and navigation -------------------------------------------------------------------

    def set_hint(self, text: str | None = None, *, warning: bool = False) -> None:
        """Show `text` on the hint line (None: the step's own hint); `warning` colours it."""
        hint = self.query_one("#hint", Static)
        hint.update(Text(self.step.hint if text is None else text))
        hint.set_class(warning, "-warning")
        self._refusing = False

    def say_refusal(self, reason: str) -> None:
        """Say on the hint line why Next is refused; `refresh_nav` keeps it up to date."""
        self.set_hint(reason, warning=True)
        self._refusing = True

    def refresh_nav(self) -> None:
        """Call after a change that may unblock Next, so the button shows whether it leads on, and a
        refusal on the hint line is said as it stands now ("you have 1", not "you have 0")."""
        reason = self.blocked_reason()
        self.query_one("#nav-next", Button).set_class(reason is not None, "-blocked")
        if reason is None and self.query_one("#hint", Static).has_class("-warning"):
            self.set_hint()  # the warning was why Next was refused, and that is settled now
        elif reason is not None and self._refusing:
            self.say_refusal(reason)

    def on_mount(self) -> None:
        self.refresh_nav()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "nav-next":
            event.stop()
            self.action_next_step()
        elif event.button.id == "nav-back":
            event.stop()
            self.action_previous_step()
        elif event.button.id == "nav-ask":
            event.stop()
            self.kiosk.open_ask()

    def action_next_step(self) -> None:
        reason = self.blocked_reason()
        if reason is not None:
            self.say_refusal(reason)
            return
        self.kiosk.next_step()

    def action_previous_step(self) -> None:
        self.kiosk.previous_step()

    # -- background work ------------------------------------------------------------------------

    def run_in_thread(
        self, function: Callable[..., Any], *args: Any, name: str, group: str = "default", exclusive=False
    ) -> Worker:
        """`function(*args)` on a worker thread of this screen; a crash shows an error card."""
        return run_guarded(self, function, *args, name=name, group=group, exclusive=exclusive)


class UnavailableStepScreen(StepScreen):
    """Stands in for a step whose screen cannot be imported: says so, and lets the visitor move on."""

    SHOW_COACH = False

    def __init__(self, session: KioskSession, unavailable: Step, reason: str) -> None:
        super().__init__(session)
        self.step_key = unavailable.key
        self.reason = reason
        """Why the step's screen could not be imported, for the log and the admin."""

    def compose_body(self) -> ComposeResult:
        yield Static(
            f"The {self.step.title} step is not available on this kiosk.\n"
            "Press Next to go on, or Back to return.",
            id="unavailable",
        )

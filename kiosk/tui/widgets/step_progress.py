"""The row of steps at the top of every screen: where the visitor is, and what comes next."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from kiosk.tui.steps import STEPS, index_of


class StepProgress(Horizontal):
    """One label per step: done ones ticked, the current one highlighted, unavailable ones dimmed.

    Availability is checked by importing each step's screen module, which the app has done already
    by the time a screen shows, so this costs a dictionary lookup per step.
    """

    def __init__(self, current: str) -> None:
        super().__init__(id="step-progress")
        self.current = current

    def compose(self) -> ComposeResult:
        here = index_of(self.current)
        for position, step in enumerate(STEPS):
            state = "-done" if position < here else "-current" if position == here else "-todo"
            mark = "✓" if position < here else str(position + 1)
            classes = f"step-label {state}" + ("" if step.available() else " -unavailable")
            yield Static(f" {mark} {step.title} ", id=f"progress-{step.key}", classes=classes)

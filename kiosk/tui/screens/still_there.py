"""Museum mode's question after a while without input: is anyone still there?

Any tap or key answers "yes" and the visitor carries on where they were. Without an answer before
the countdown ends, the screen closes with True and the app wipes the project for the next visitor.
The countdown runs on the app's clock, so tests drive it with `tick()` and a fake clock.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

TICK_S = 1.0


class StillThereScreen(ModalScreen[bool]):
    """Dismissed with True when nobody answered (wipe), False when someone did."""

    def __init__(self, deadline: float) -> None:
        super().__init__(id="still-there")
        self.deadline = deadline

    def compose(self) -> ComposeResult:
        with Vertical(id="still-box", classes="card"):
            yield Static("Still there?", id="still-title")
            yield Static("", id="still-countdown")
            yield Button("Yes, I'm still here", id="still-here", variant="primary", classes="big")

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(TICK_S, self.tick)

    def tick(self) -> None:
        left = self.deadline - self.app.clock()  # type: ignore[attr-defined]
        if left <= 0:
            self.dismiss(True)
            return
        self.query_one("#still-countdown", Static).update(
            f"Starting over for the next visitor in {left:.0f} s. Your classes and photos will be deleted."
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(False)

    def on_key(self, event: events.Key) -> None:
        event.stop()
        self.dismiss(False)

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.dismiss(False)

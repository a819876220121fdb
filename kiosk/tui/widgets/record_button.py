"""The big record button: hold it to record a burst, like a phone camera's shutter.

A `Button` only reports a finished click, so this is its own widget that reports the press and the
release (`RecordButton.Held`, with `held` True then False). A keyboard has no key-release in a
terminal, so Space or Enter on the focused button records one fixed burst instead (`Burst`).
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

IDLE_TEXT = "● Hold to record"
RECORDING_TEXT = "● Recording…"


class RecordButton(Static, can_focus=True):
    BINDINGS: ClassVar = [Binding("space,enter", "burst", "Record a burst")]

    class Held(Message):
        def __init__(self, held: bool) -> None:
            super().__init__()
            self.held = held

    class Burst(Message):
        """Record a fixed number of pictures (keyboard)."""

    def __init__(self) -> None:
        super().__init__(IDLE_TEXT, id="record")
        self.holding = False

    def _set_holding(self, holding: bool) -> None:
        if holding == self.holding:
            return
        self.holding = holding
        self.update(RECORDING_TEXT if holding else IDLE_TEXT)
        self.set_class(holding, "-recording")
        self.post_message(self.Held(holding))

    def on_mouse_down(self, event: events.MouseDown) -> None:
        self.capture_mouse()
        self._set_holding(True)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        self.release_mouse()
        self._set_holding(False)

    def action_burst(self) -> None:
        self.post_message(self.Burst())

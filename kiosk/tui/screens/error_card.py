"""The card a crashed worker thread leaves behind: what failed, in plain words, and an OK button.

The kiosk keeps running underneath; the visitor taps OK and carries on (the step that failed can
simply be tried again). The exception's type and message are shown for the person looking after
the kiosk; the full traceback is in the log.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ErrorCard(ModalScreen[None]):
    BINDINGS: ClassVar = [("escape", "dismiss_card", "OK"), ("enter", "dismiss_card", "OK")]

    def __init__(self, title: str, error: BaseException) -> None:
        super().__init__(id="error-card")
        self.title_text = title
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical(id="error-box", classes="card"):
            yield Static(Text(f"Something went wrong: {self.title_text}"), id="error-title")
            yield Static(Text(f"{type(self.error).__name__}: {self.error}"), id="error-detail")
            yield Static("The kiosk is still running. Tap OK and try again.", id="error-advice")
            yield Button("OK", id="error-ok", variant="primary", classes="big")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss()

    def action_dismiss_card(self) -> None:
        self.dismiss()

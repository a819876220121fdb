"""The PIN pad in front of the admin screen: big digit keys for a finger, digits on a keyboard too.

The PIN is never shown (dots only). A wrong PIN says so and clears the pad; there is no lock-out,
since the kiosk's person in charge stands next to it and a lock-out would lock them out too.

Digits, Enter and Backspace are all read in `on_key`, in the order they came: a terminal or a USB
keypad delivers "2468\r" in one read, and an Enter bound with priority was handled before the
digits queued ahead of it (a right PIN said "Wrong PIN"). The pad's buttons take no focus, so no
key presses a focused button instead.
"""

from __future__ import annotations

import hmac
from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

MAX_DIGITS = 8


class PinScreen(ModalScreen[bool]):
    """Dismissed with True for the right PIN, False when cancelled."""

    BINDINGS: ClassVar = [Binding("escape", "cancel", "Cancel")]
    KEY_ACTIONS: ClassVar = {"enter": "check", "backspace": "erase"}

    def __init__(self, pin: str) -> None:
        super().__init__(id="pin")
        self._pin = pin
        self.entered = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="pin-box", classes="card"):
            yield Static("Admin: enter the PIN", id="pin-title")
            yield Static("", id="pin-dots")
            with Grid(id="pin-pad"):
                for key in "123456789":
                    yield Button(key, id=f"pin-{key}", classes="pin-key")
                yield Button("Clear", id="pin-clear", classes="pin-key")
                yield Button("0", id="pin-0", classes="pin-key")
                yield Button("OK", id="pin-ok", classes="pin-key", variant="primary")
            yield Button("Cancel", id="pin-cancel", classes="big")

    def _show(self, message: str = "") -> None:
        dots = "● " * len(self.entered)
        self.query_one("#pin-dots", Static).update(message or dots or "_ _ _ _")

    def on_mount(self) -> None:
        for button in self.query(Button):
            button.can_focus = False
        self._show()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        key = (event.button.id or "").removeprefix("pin-")
        if key.isdigit():
            self.type_digit(key)
        elif key == "clear":
            self.entered = ""
            self._show()
        elif key == "ok":
            self.action_check()
        elif key == "cancel":
            self.action_cancel()

    async def on_key(self, event: events.Key) -> None:
        if event.character is not None and event.character.isdigit():
            event.stop()
            self.type_digit(event.character)
        elif event.key in self.KEY_ACTIONS:
            event.stop()
            await self.run_action(self.KEY_ACTIONS[event.key])

    def type_digit(self, digit: str) -> None:
        if len(self.entered) < MAX_DIGITS:
            self.entered += digit
        self._show()

    def action_erase(self) -> None:
        self.entered = self.entered[:-1]
        self._show()

    def action_check(self) -> None:
        if hmac.compare_digest(self.entered.encode(), self._pin.encode()):
            self.dismiss(True)
            return
        self.entered = ""
        self._show("Wrong PIN. Try again.")

    def action_cancel(self) -> None:
        self.dismiss(False)

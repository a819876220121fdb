"""The one "how much to change" control: big - and + buttons around a bar, 0 to 1 in tenths.

The research prototype asked visitors to tune two guidance scales and they could not; one slider
with a word for where it stands ("a little", "a lot") is all the expand step offers. A touchscreen
has no drag precision, so the value moves in steps by tapping - / +; the arrow keys do the same.
At either end the button that would go further is dimmed, not disabled: a disabled button loses the
focus to the other one, and the next Enter of a keyboard user would then move the value back.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Button, Static

from kiosk.tui.widgets.bars import bar_text

STEP = 0.1
BAR_CELLS = 12


def change_words(value: float) -> str:
    if value < 0.05:
        return "nothing"
    if value <= 0.3:
        return "a little"
    if value <= 0.6:
        return "some"
    return "a lot"


class ChangeSlider(Horizontal, can_focus=True):
    DEFAULT_CSS = """
    ChangeSlider {
        height: 3;
        width: 100%;
    }
    ChangeSlider:focus-within, ChangeSlider:focus {
        background: $boost;
    }
    ChangeSlider > Button {
        width: 5;
        min-width: 5;
    }
    ChangeSlider > Button.-at-limit {
        text-opacity: 40%;
    }
    ChangeSlider > .change-bar {
        width: 1fr;
        height: 3;
        content-align: center middle;
    }
    """
    BINDINGS: ClassVar = [
        Binding("left,minus", "nudge(-1)", "Less", show=False),
        Binding("right,plus,equals_sign", "nudge(1)", "More", show=False),
    ]

    value: reactive[float] = reactive(0.5)

    class Changed(Message):
        def __init__(self, slider: ChangeSlider, value: float) -> None:
            super().__init__()
            self.slider = slider
            self.value = value

    def __init__(self, value: float = 0.5, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(ChangeSlider.value, _snap(value))

    def compose(self) -> ComposeResult:
        less, more = Button("-", id="change-less"), Button("+", id="change-more")
        for button in (less, more):
            # Textual ignores taps during a button's 0.2 s press animation; tapping + three times
            # quickly must move the slider three steps. The bar moving is the feedback.
            button.active_effect_duration = 0
        yield less
        yield Static(self._label(), classes="change-bar")
        yield more

    def _label(self) -> str:
        return f"change {bar_text(self.value, BAR_CELLS)} {change_words(self.value)}"

    def watch_value(self, value: float) -> None:
        if self.is_mounted:
            self.query_one(".change-bar", Static).update(self._label())
            self.query_one("#change-less", Button).set_class(value <= 0, "-at-limit")
            self.query_one("#change-more", Button).set_class(value >= 1, "-at-limit")
        self.post_message(self.Changed(self, value))

    def on_mount(self) -> None:
        self.watch_value(self.value)

    def action_nudge(self, direction: int) -> None:
        self.value = _snap(self.value + direction * STEP)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id in ("change-less", "change-more"):
            event.stop()
            self.action_nudge(-1 if event.button.id == "change-less" else 1)


def _snap(value: float) -> float:
    """Into 0..1 on the tenths, so 0.1 + 0.2 shows as 0.3 and the job gets a round number."""
    return round(min(1.0, max(0.0, value)) / STEP) / round(1 / STEP)

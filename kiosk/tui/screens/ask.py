"""The Ask window over any step: big buttons for the common questions, a line to type one, the answer.

The answer comes from `kiosk.assistant` on a worker thread (gathering the project's facts, and a
language model's server when one is configured, both take seconds), so the window and the step under
it stay live. A newer question supersedes one still being answered. Questions and answers are shown
as plain text, never markup: a visitor's "[b]" or a model's brackets are only characters.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Static
from textual.worker import get_current_worker

from kiosk.assistant.assistant import Assistant, Reply, Source
from kiosk.assistant.facts import ProjectFacts, gather_facts
from kiosk.assistant.intents import SHORT_LABELS, SUGGESTED, Intent
from kiosk.live.prediction import Answer
from kiosk.session import KioskSession
from kiosk.tui.workers import run_guarded

MAX_QUESTION = 200
"""Characters a typed question may have: a question, not an essay."""
WELCOME = "Tap a question, or type your own and press Enter."
THINKING = "Thinking..."
MODEL_NOTE = "A language model wrote this from your project's numbers. It can be wrong."


def said_on(screen: Screen) -> str | None:
    """The class the step's latest live answer named (the Try step's `latest`), if it named one."""
    latest = getattr(screen, "latest", None)
    if isinstance(latest, Answer) and latest.seen and latest.rejection is None:
        return latest.best[0]
    return None


class AskScreen(ModalScreen[None]):
    BINDINGS: ClassVar = [Binding("escape", "close", "Close")]

    def __init__(self, session: KioskSession, assistant: Assistant, said: str | None = None) -> None:
        """`said`: the class the Try step last answered, which "Why did it say that?" is about."""
        super().__init__(id="ask")
        self.session = session
        self.assistant = assistant
        self.said = said
        self.reply: Reply | None = None
        """The latest answer shown."""
        self._known: tuple[int, ProjectFacts] | None = None
        """The facts and the project revision they were gathered at."""

    def compose(self) -> ComposeResult:
        with Vertical(id="ask-box", classes="card"):
            yield Static("Ask about your project", id="ask-title")
            with Horizontal(id="ask-suggested"):
                for intent in Intent:
                    yield Button(SHORT_LABELS[intent], id=f"ask-{intent}", classes="ask-suggested")
            with Horizontal(id="ask-typed"):
                yield Input(placeholder="Or type a question", id="ask-question", max_length=MAX_QUESTION)
                yield Button("Ask", id="ask-send", variant="primary")
            with VerticalScroll(id="ask-answer-box"):
                yield Static(WELCOME, id="ask-answer")
                yield Static("", id="ask-note")
            yield Button("Close", id="ask-close", classes="big")

    def on_mount(self) -> None:
        self.query_one(f"#ask-{Intent.WHY}", Button).focus()  # not the Input: no keyboard pops up unasked

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button = event.button.id or ""
        if button == "ask-close":
            self.action_close()
        elif button == "ask-send":
            self.ask(self.query_one("#ask-question", Input).value)
        elif button.removeprefix("ask-") in SUGGESTED:
            self.ask(SUGGESTED[Intent(button.removeprefix("ask-"))])

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.ask(event.value)

    def action_close(self) -> None:
        self.dismiss()

    def ask(self, question: str) -> None:
        """Show the question and answer it on a worker thread; a blank question is not asked."""
        question = question.strip()
        if not question:
            return
        self._show(question, Text(THINKING, style="italic"), None)
        run_guarded(self, self._answer, question, name="ask", group="ask", exclusive=True)

    def _answer(self, question: str) -> None:
        reply = self.assistant.answer(question, self._facts)
        if not get_current_worker().is_cancelled:  # a newer question, or the window was closed
            self.app.call_from_thread(self.show_reply, question, reply)

    def _facts(self) -> ProjectFacts:
        """The project's facts, gathered again only after the project changed."""
        revision = self.session.project.revision
        if self._known is None or self._known[0] != revision:
            self._known = (revision, gather_facts(self.session, self.said))
        return self._known[1]

    def show_reply(self, question: str, reply: Reply) -> None:
        self.reply = reply
        note = reply.note or (MODEL_NOTE if reply.source is Source.MODEL else None)
        self._show(question, Text(reply.text), note)

    def _show(self, question: str, answer: Text, note: str | None) -> None:
        self.query_one("#ask-answer", Static).update(Text.assemble((question, "bold"), "\n", answer))
        shown_note = self.query_one("#ask-note", Static)
        shown_note.update(Text(note or ""))
        shown_note.display = note is not None

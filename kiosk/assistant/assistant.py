"""The "Ask" assistant: a visitor's question in, an answer about their project out, always filtered.

    assistant = Assistant(ChatEndpoint(url))       # or Assistant(None): offline answers only
    reply = assistant.answer(question, lambda: gather_facts(session))

The exhibit's word filter (`shared.safety`, the one the GPU worker applies to prompts) reads both
ways: a question with a blocked word gets a polite canned reply before anything is gathered or
sent, and a model's answer with one is never shown, the offline answer standing in for it. A
server that is down, slow or broken costs the visitor nothing but a note: the offline answer from
the kiosk's own measurements comes instead. Facts are gathered only for a question that passed,
through `facts` (the coach's heavy state: a worker thread calls `answer`).
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from kiosk.assistant.client import ChatEndpoint, EndpointError
from kiosk.assistant.facts import ProjectFacts
from kiosk.assistant.offline import offline_answer
from kiosk.assistant.prompt import chat_messages
from shared.safety import PromptFilter, default_words

log = logging.getLogger(__name__)

REFUSED_QUESTION = (
    "Let's keep to words everyone at the museum is happy to read. "
    "Ask me about your classes, your photos or your model!"
)
REFUSED_ANSWER = "The assistant's answer was not one to show here, so here is what the kiosk measured:"
OFFLINE_NOTE = "The assistant server could not answer ({why}), so the kiosk answered by itself."


def printable(text: str) -> str:
    """The text without control characters (newlines kept), stripped: a model's answer goes on a
    terminal screen, where an escape sequence would be obeyed rather than shown."""
    return "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C").strip()


class Source(StrEnum):
    MODEL = "model"
    """The language model answered, and its answer passed the filter."""
    OFFLINE = "offline"
    """The kiosk's own answer: no server configured, the server failed, or its answer was refused."""
    REFUSED = "refused"
    """The question was refused; nothing was sent anywhere."""


@dataclass(frozen=True)
class Reply:
    text: str
    source: Source
    note: str | None = None
    """Why an offline answer stands where the model's was expected, for the visitor."""


class Assistant:
    def __init__(self, endpoint: ChatEndpoint | None, word_filter: PromptFilter | None = None) -> None:
        """`endpoint`: the language model's server, None for offline answers only. `word_filter`:
        the exhibit's (default: the default blocked words)."""
        self.endpoint = endpoint
        self.word_filter = word_filter or PromptFilter(default_words())

    def answer(self, question: str, facts: Callable[[], ProjectFacts]) -> Reply:
        """The reply to `question` (blocking: the model's server may take seconds)."""
        refusal = self.word_filter.check(question)
        if refusal is not None:
            log.info("assistant: question refused (%s)", refusal.word)
            return Reply(REFUSED_QUESTION, Source.REFUSED)
        known = facts()
        if self.endpoint is None:
            return Reply(offline_answer(question, known), Source.OFFLINE)
        try:
            text = printable(self.endpoint.complete(chat_messages(question, known)))
        except EndpointError as exc:
            log.warning("assistant: %s; answering offline", exc)
            return Reply(offline_answer(question, known), Source.OFFLINE, OFFLINE_NOTE.format(why=exc))
        refusal = self.word_filter.check(text)
        if refusal is not None:
            log.info("assistant: the model's answer refused (%s)", refusal.word)
            return Reply(f"{REFUSED_ANSWER} {offline_answer(question, known)}", Source.OFFLINE)
        return Reply(text or offline_answer(question, known), Source.MODEL if text else Source.OFFLINE)

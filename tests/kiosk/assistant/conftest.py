"""A real OpenAI-compatible server for the assistant's tests: `transformers serve` on loopback, with
the tiny chat models of tools/make_tiny_chat_model.py written once per run."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from testkit.chat_server import ChatServer

BLOCKED_ANSWER = "kill"
"""On the default blocked-word list: what the `says` model answers, over and over."""


@dataclass(frozen=True)
class ChatModels:
    random: Path
    """Random weights: random text."""
    says_blocked: Path
    """Answers `BLOCKED_ANSWER` whatever it is asked."""


@pytest.fixture(scope="session")
def chat_models(tmp_path_factory) -> ChatModels:
    from tools.make_tiny_chat_model import make_tiny_chat_model  # torch and transformers: only when used

    root = tmp_path_factory.mktemp("chat-models")
    return ChatModels(
        make_tiny_chat_model(root / "random"), make_tiny_chat_model(root / "says", says=BLOCKED_ANSWER)
    )


@pytest.fixture(scope="session")
def chat_server(tmp_path_factory) -> Iterator[ChatServer]:
    server = ChatServer(home=tmp_path_factory.mktemp("hf-home"))
    server.start()
    yield server
    server.stop()

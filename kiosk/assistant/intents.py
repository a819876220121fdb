"""Which common question a visitor asked, without a language model: keywords, forgiving of typos.

Offline, the assistant answers a few questions well rather than every question badly. Each
intent has keywords; a question's words are compared with them allowing a typo or two (difflib's
ratio, so "reson", "nxt" and "acurate" still count), the intent with the most matching keywords
wins, and a question matching none gets the list of what can be asked. A class named in the question
("why did it say pear?") is found the same way, so the answer can be about that class.
"""

from __future__ import annotations

import difflib
import re
from enum import StrEnum


class Intent(StrEnum):
    WHY = "why"
    """Why did it say that (pear)? How does it decide?"""
    NEXT = "next"
    """What should I do next? How do I make it better?"""
    GOOD_ENOUGH = "good_enough"
    """Is it good enough? How accurate is it?"""


SUGGESTED: dict[Intent, str] = {
    Intent.WHY: "Why did it say that?",
    Intent.NEXT: "What should I do next?",
    Intent.GOOD_ENOUGH: "Is it good enough?",
}
"""The suggested questions, one per intent: what the Ask window's buttons ask."""
SHORT_LABELS: dict[Intent, str] = {
    Intent.WHY: "Why that answer?",
    Intent.NEXT: "What next?",
    Intent.GOOD_ENOUGH: "Good enough?",
}
"""What the buttons say: three side by side fit 80 columns only this short."""

KEYWORDS: dict[Intent, tuple[str, ...]] = {
    Intent.WHY: ("why", "say", "said", "think", "decide", "decides", "reason", "wrong", "mistake", "because"),
    Intent.NEXT: ("next", "now", "should", "do", "improve", "better", "help", "fix", "more", "step"),
    Intent.GOOD_ENOUGH: (
        "good", "enough", "accurate", "accuracy", "score", "right", "ready", "well", "work", "works",
        "trust", "percent",
    ),
}  # fmt: skip
"""Words that point at an intent. "How" is none's: "how good", "how does it decide", "how do I"."""

MIN_RATIO = 0.8
"""difflib ratio above which two words of three letters or more are the same word with a typo."""
SHORT = 3
"""Shorter words must match exactly: "do" and "so" are not a typo of each other."""

_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def same_word(typed: str, known: str) -> bool:
    """Whether `typed` is `known`, allowing a typo in words of `SHORT` letters or more."""
    if typed == known:
        return True
    if min(len(typed), len(known)) < SHORT:
        return False
    return difflib.SequenceMatcher(None, typed, known).ratio() >= MIN_RATIO


def match_intent(question: str) -> Intent | None:
    """The intent whose keywords the question uses most (ties: the order of `Intent`); None if none."""
    typed = words(question)
    scores = {
        intent: sum(any(same_word(word, keyword) for word in typed) for keyword in keywords)
        for intent, keywords in KEYWORDS.items()
    }
    best = max(scores, key=lambda intent: scores[intent])
    return best if scores[best] else None


def named_class(question: str, classes: tuple[str, ...]) -> str | None:
    """The class the question names, by its whole name (typos allowed per word); the longest wins,
    so "red apple" beats "apple"."""
    typed = words(question)
    for label in sorted(classes, key=len, reverse=True):
        name = words(label)
        if name and any(
            all(same_word(word, part) for word, part in zip(typed[start:], name, strict=False))
            for start in range(len(typed) - len(name) + 1)
        ):
            return label
    return None

"""Blocked words: the default list, a deployment's file, extra words from config.

Every entry is folded and read the same way visitor text is (`normalise.fold`,
`normalise.readings`), so a list written in capitals, with accents or in
another script (Greek, Cyrillic) still matches, and an entry that is
not a single plain word is an error at start-up rather than a word that can
never match.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, FilePath

from shared.safety.default_words import DEFAULT_WORDS
from shared.safety.normalise import fold, readings

DEPLOYMENT_CATEGORY = "exhibit"
"""Category of words a deployment adds, by file or config."""


class WordListError(ValueError):
    """A word list that cannot be used as written; says which entry and why."""


@dataclass(frozen=True)
class BlockedWord:
    text: str
    """Folded letters only."""
    category: str


def blocked_word(entry: str, category: str, where: str) -> BlockedWord:
    """The entry folded like visitor text, a letter LEET reads (a Greek epsilon) in its first reading."""
    folded = fold(entry.strip())
    if not folded or not folded.isalpha():
        raise WordListError(f"{where}: {entry.strip()!r} is not a single word of letters only")
    return BlockedWord(next(readings(folded)), category)


def default_words() -> list[BlockedWord]:
    return [
        blocked_word(word, category, "default list")
        for category, words in DEFAULT_WORDS.items()
        for word in words
    ]


def read_word_file(path: Path) -> list[BlockedWord]:
    """One word per line; blank lines and text after `#` are ignored."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise WordListError(f"cannot read the word list {path}: {exc}") from None
    words = []
    for number, line in enumerate(lines, start=1):
        entry = line.split("#", 1)[0]
        if entry.strip():
            words.append(blocked_word(entry, DEPLOYMENT_CATEGORY, f"{path}, line {number}"))
    return words


def extra_words(entries: Iterable[str]) -> list[BlockedWord]:
    return [blocked_word(entry, DEPLOYMENT_CATEGORY, "extra words") for entry in entries]


def _readable(path: Path) -> Path:
    read_word_file(path)
    return path


WordFile = Annotated[FilePath, AfterValidator(_readable)]
"""A settings field naming a word list: a file that cannot be read, or holds an entry that can
never match, fails the settings at start-up, not the first prompt or question that meets it."""

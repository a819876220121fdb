"""The prompt filter: refuses visitor text that spells a blocked word.

Matching is whole-word, never substring: "class", "grass", "assessment" and
"scrap" pass with "ass" and "crap" blocked, because a substring match would
refuse ordinary words (the Scunthorpe problem) and a museum cannot explain
that to a child. Each candidate word from `normalise.candidates` (parts,
punctuation-joined chunks, stretches of spelled-out letters) is read with its leet
symbols (`normalise.readings`) and compared to the list by letter runs, so a
stretched "kiiilll" matches "kill" while "as" does not match "ass" (every run
must be at least as long as in the entry). A few English endings (-s, -es,
-ed, -ing, -y) are taken off before comparing, so "killing" matches "kill";
"-er" is not, so "killer whale" passes.

What the filter does not catch: a blocked word inside a compound ("shotgun",
"bloodbath") unless the compound is listed itself, and a word split into
pieces longer than one letter ("ki ll"), since joining neighbouring words
would refuse innocent pairs ("as s"); and the reverse trade-off: a spelled-out
innocent word containing a blocked one ("g r a s s") is refused.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from shared.safety.normalise import WILDCARDS, candidates, readings
from shared.safety.word_list import BlockedWord

_ENDINGS: tuple[tuple[str, str], ...] = (
    ("s", ""),
    ("es", ""),
    ("d", ""),
    ("ed", ""),
    ("ed", "e"),
    ("ing", ""),
    ("ing", "e"),
    ("y", ""),
)
"""(ending, what it replaced): "raping" is "rap" + "ing" with an "e" dropped."""

MIN_STEM = 2

_CATEGORY_TEXT = {
    "violence": "a word about violence",
    "sexual": "a word with sexual content",
    "hateful": "a rude or hateful word",
    "drugs": "a word about drugs",
}
_OTHER_CATEGORY_TEXT = "a word on this exhibit's list of blocked words"


@dataclass(frozen=True)
class Refusal:
    """Why a text was refused. `word` is the list entry, for operators' logs, never for screens."""

    word: str
    category: str

    @property
    def reason(self) -> str:
        """Says what kind of word was refused without repeating it, since it ends up on a public screen."""
        return f"it contains {_CATEGORY_TEXT.get(self.category, _OTHER_CATEGORY_TEXT)}"


_REPEATS = re.compile(r"(.)\1+")
_RUNS = re.compile(r"(.)\1*")


def _skeleton(letters: str) -> str:
    """ "kiiill" -> "kil": the letters with repeats squeezed (most stems stop at this lookup)."""
    return _REPEATS.sub(r"\1", letters)


def _run_lengths(letters: str) -> tuple[int, ...]:
    """ "kiiill" -> (1, 3, 2): how long each run of one letter is."""
    return tuple(len(run.group()) for run in _RUNS.finditer(letters))


def _stems(reading: str) -> Iterator[str]:
    yield reading
    for ending, replaced in _ENDINGS:
        if reading.endswith(ending) and len(reading) - len(ending) >= MIN_STEM:
            yield reading[: -len(ending)] + replaced


def _fits_masked(masked: str, word: str) -> bool:
    """A masked word ("f*ck") fits an entry of its length with at most half its letters hidden."""
    hidden = sum(ch in WILDCARDS for ch in masked)
    return (
        len(masked) == len(word)
        and hidden * 2 <= len(word)
        and len(word) - hidden >= MIN_STEM
        and all(ch in WILDCARDS or ch == letter for ch, letter in zip(masked, word, strict=True))
    )


class PromptFilter:
    """A blocked-word list, indexed for matching visitor text against it."""

    def __init__(self, words: Iterable[BlockedWord]) -> None:
        self._by_skeleton: dict[str, list[tuple[tuple[int, ...], BlockedWord]]] = defaultdict(list)
        self._by_length: dict[int, list[BlockedWord]] = defaultdict(list)
        seen: set[str] = set()
        for word in words:
            if word.text in seen:
                continue
            seen.add(word.text)
            self._by_skeleton[_skeleton(word.text)].append((_run_lengths(word.text), word))
            self._by_length[len(word.text)].append(word)
        self.size = len(seen)

    def check(self, text: str) -> Refusal | None:
        """The first blocked word the text spells, or None when it may be used."""
        tried: set[str] = set()
        for candidate in candidates(text):
            for reading in readings(candidate):
                for stem in _stems(reading):
                    if stem in tried:
                        continue
                    tried.add(stem)
                    if (found := self._lookup(stem)) is not None:
                        return Refusal(found.text, found.category)
        return None

    def _lookup(self, stem: str) -> BlockedWord | None:
        if any(ch in WILDCARDS for ch in stem):
            return next((word for word in self._by_length[len(stem)] if _fits_masked(stem, word.text)), None)
        entries = self._by_skeleton.get(_skeleton(stem))
        if not entries:
            return None
        lengths = _run_lengths(stem)
        for needed, word in entries:
            if all(have >= need for have, need in zip(lengths, needed, strict=True)):
                return word
        return None

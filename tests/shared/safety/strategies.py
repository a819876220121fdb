"""Hypothesis strategies for the prompt filter's property tests: blocked words in disguise."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import assume
from hypothesis import strategies as st

from shared.safety.default_words import DEFAULT_WORDS
from shared.safety.normalise import LEET
from shared.safety.skeleton import HANGUL_FILLERS, latin_table

BLOCKED = sorted({word for words in DEFAULT_WORDS.values() for word in words})


def _drawn_like() -> dict[str, list[str]]:
    """Per Latin letter, every character the filter reads as it: look-alikes, small capitals, leet."""
    found: dict[str, list[str]] = defaultdict(list)
    for cp, letters in latin_table().items():
        if len(letters) == 1:
            found[letters].append(chr(cp))
    for symbol, letters in LEET.items():
        for letter in letters:
            found[letter].append(symbol)
    return {letter: sorted(characters) for letter, characters in found.items()}


DRAWN_LIKE = _drawn_like()
INVISIBLE = [*HANGUL_FILLERS, "\u200b", "\u200c", "\u200d", "\u2060", "\u00ad", "\ufeff", "\u034f"]
INVISIBLE += ["\u180e", "\ufe0f", "\U000e0020", "\U000e0101", "\u200e", "\u2061"]


def _wide(letter: str) -> str:
    """The full-width form, which NFKC turns back."""
    return chr(ord(letter) + 0xFEE0)


@st.composite
def lookalike_disguised(draw) -> tuple[str, str]:
    """A blocked word, each letter kept, upper-cased, made full-width or swapped for a random
    character drawn like it, with invisible characters between the letters."""
    word = draw(st.sampled_from(BLOCKED))
    typed = []
    for letter in word:
        how = draw(st.sampled_from(["plain", "upper", "wide", "lookalike", "lookalike"]))
        if how == "upper":
            ch = letter.upper()
        elif how == "wide":
            ch = _wide(draw(st.sampled_from([letter, letter.upper()])))
        elif how == "lookalike":
            ch = draw(st.sampled_from(DRAWN_LIKE[letter]))
        else:
            ch = letter
        typed.append(ch + "".join(draw(st.lists(st.sampled_from(INVISIBLE), max_size=2))))
    assume(not all(ch[0].isdigit() for ch in typed))  # digits alone are a number (normalise.candidates)
    before, after = draw(st.sampled_from([("", ""), ("a picture of ", " please"), ("my ", "!")]))
    return before + "".join(typed) + after, word

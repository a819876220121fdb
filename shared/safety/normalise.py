"""Reducing visitor text to the words it spells, however it was typed.

A blocked word reaches a prompt in many disguises: other cases, full-width or
accented letters, small capitals and look-alike letters of other scripts
("ᴋɪʟʟ", "кіll"), invisible characters (zero-width, Hangul fillers), leet
digits and symbols ("k1ll", "$ex"), stretched letters ("kiiiill"), and letters
split by spaces, dots or dashes ("k i l l", "k.i.l.l"). This module undoes the
disguises and hands back candidate words; it never decides what is blocked.

Everything is kept at word level on purpose: matching inside words would flag
"class", "grass" and "Scunthorpe", so a candidate is only ever a whole word, a
whole punctuation-split word rejoined, or a stretch of letters spelled out one
by one (where spacing has already erased the word boundaries).
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Iterator

from shared.safety.skeleton import HANGUL_FILLERS, IGNORABLE, latin_table

LEET: dict[str, tuple[str, ...]] = {
    "0": ("o",),
    "1": ("i", "l"),
    "3": ("e",),
    "4": ("a",),
    "5": ("s",),
    "7": ("t",),
    "8": ("b",),
    "9": ("g",),
    "@": ("a",),
    "$": ("s",),
    "!": ("i",),
    "|": ("l", "i"),
    "+": ("t",),
    "€": ("e",),
    "ε": ("e",),
    "ɛ": ("e",),
    "β": ("b",),
    "ӏ": ("l", "i"),
}
"""Digits, symbols and a few letters typed for letters; some stand for more than one letter.

The letters are the ones a visitor types for a Latin letter other than the one Unicode's skeleton
(`skeleton`) gives: epsilon for e (the skeleton says c), beta for b (it says ss, through "ß"), and
the palochka, one vertical stroke in both cases, for l or i (it says l for the capital, i for the
small letter)."""

WILDCARDS = "*#"
"""Masked letters ("f*ck", "sh#t"); the matcher lets each stand for any one letter."""

MAX_READINGS = 16
"""Cap on the spellings tried for one word with ambiguous symbols (2 ** 4)."""

MAX_SPELLED_WORD = 16
"""Longest stretch of a spelled-out run compared with the list (the whole run is compared too): bounds
the work a long spaced-out prompt costs, at the price of stretched letters in long spelled-out words."""

_EDGE_SYMBOLS = "".join(symbol for symbol in LEET if not symbol.isalnum()) + WILDCARDS

_DROPPED_CATEGORIES = frozenset({"Mn", "Me", "Cf"})
"""Accents and other combining marks, and invisible format characters (zero-width space, joiner, soft
hyphen, bidi marks), which change how text looks or compares but not what it spells."""


def fold(text: str) -> str:
    """Case, compatibility forms, accents, invisible characters and look-alike letters folded away.

    NFKC turns full-width, circled and mathematical letters into plain ones; decomposing and
    dropping combining marks removes accents, so "kíll" and "kill" compare equal; characters drawn
    as nothing go (a Hangul filler inside a word is a letter to Python). Look-alike letters become
    the Latin letters they are drawn like (`skeleton`) before casefolding, since Unicode's skeleton
    is defined on the letters as typed (a Greek capital eta is an H, its small letter an n), and
    once more after it, for the small forms of capitals it does not list.
    """
    latin = latin_table()
    text = _bare(unicodedata.normalize("NFKC", text))
    text = _bare(text.translate(latin).casefold())
    return unicodedata.normalize("NFC", text.translate(latin))


def _bare(text: str) -> str:
    """The text decomposed, without marks, format characters or characters drawn as nothing."""
    return "".join(
        ch
        for ch in unicodedata.normalize("NFD", text)
        if ch not in IGNORABLE and unicodedata.category(ch) not in _DROPPED_CATEGORIES
    )


def _is_word_char(ch: str) -> bool:
    return ch.isalpha() or ch in LEET or ch in WILDCARDS


def _parts(chunk: str) -> list[str]:
    """The runs of word characters in a chunk of text; everything else separates them."""
    parts: list[str] = []
    current: list[str] = []
    for ch in chunk:
        if _is_word_char(ch):
            current.append(ch)
        elif current:
            parts.append("".join(current))
            current = []
    if current:
        parts.append("".join(current))
    return parts


def _single_unit(part: str) -> str | None:
    """The one character a part stands for in a spelled-out word ("l!" in "k i l l!"), if it is one."""
    trimmed = part.strip(_EDGE_SYMBOLS)
    if len(trimmed) == 1:
        return trimmed
    return part[0] if not trimmed else None


def _spelled_out(letters: str) -> Iterator[str]:
    """Every stretch of a run of single letters: spacing has erased the word boundaries inside it."""
    yield letters
    for start in range(len(letters) - 1):
        for end in range(start + 2, min(len(letters), start + MAX_SPELLED_WORD) + 1):
            yield letters[start:end]


def candidates(text: str) -> list[str]:
    """Every word the text could be spelling, still with leet characters in it, each once.

    - each punctuation-free part ("kill" from "kill!", "cat" and "dog" from "cat/dog");
    - each whitespace-separated chunk with its inner punctuation removed ("ki.ll" -> "kill");
    - every stretch of a run of one-letter parts ("k i l l", "k. i. l. l!", "x k i l l"): a word
      spelled out letter by letter has no boundaries left, so padding it with letters must not
      hide it. This is the one place a word inside a longer one is found: "g r a s s" is refused
      when "ass" is blocked; honest prompts are rarely spelled out.

    Candidates of digits only are numbers, not words, so "4 5 5" and "1990" pass; symbols still
    count ("@$$" is read). A text with Hangul fillers is read twice: with them removed (drawn as
    nothing, "ki\u3164ll") and with them as spaces (drawn blank, "a\u3164kill").
    """
    found = _words(fold(text))
    if any(ch in HANGUL_FILLERS for ch in text):
        found += _words(fold(text.translate(_FILLERS_AS_SPACES)))
    return [word for word in dict.fromkeys(found) if not word.isdigit()]


_FILLERS_AS_SPACES = {ord(ch): " " for ch in HANGUL_FILLERS}


def _words(folded: str) -> list[str]:
    """`candidates` of folded text, digits-only ones and repeats still in."""
    found: list[str] = []
    all_parts: list[str] = []
    for chunk in folded.split():
        parts = _parts(chunk)
        all_parts.extend(parts)
        found.extend(parts)
        if len(parts) > 1:
            found.append("".join(parts))
    units = [_single_unit(part) for part in all_parts]
    for is_single, run in itertools.groupby(units, key=lambda unit: unit is not None):
        if is_single:
            found.extend(_spelled_out("".join(unit or "" for unit in run)))
    return found


def _run_readings(symbol: str, length: int) -> tuple[str, ...]:
    """What a run of one symbol may spell. A plain letter, or a symbol with one meaning, is itself.
    A run of an ambiguous one ("111": i or l, each time) reads as all one letter or as one letter
    then another, split in the middle ("ill", "lii"), its length kept: the matcher needs each run
    at least as long as the word's ("kill" needs two l). Read one symbol at a time, "h11t1113r"
    would need 2 ** 5 spellings, past the cap."""
    letters = LEET.get(symbol, (symbol,))
    if len(letters) == 1:
        return (letters[0] * length,)
    if length == 1:
        return letters
    half = length // 2
    alone = [letter * length for letter in letters]
    split = [
        first * half + second * (length - half) for first in letters for second in letters if first != second
    ]
    return tuple(dict.fromkeys(alone + split))


def readings(word: str) -> Iterator[str]:
    """The spellings a word with leet characters may stand for, letters (and wildcards) only.

    Ambiguous symbols ("1" is an i or an l) give one reading per choice, up to
    MAX_READINGS; past that every symbol takes its first meaning. Leet symbols
    at either edge are also read as plain punctuation: all of them, or just
    the outermost one ("kill!!" is "kill", "$ex!" is "sex", "shi+!" is "shit").
    """
    lead = len(word) - len(word.lstrip(_EDGE_SYMBOLS))
    trail = len(word) - len(word.rstrip(_EDGE_SYMBOLS))
    trimmings = dict.fromkeys(
        word[start : len(word) - end]
        for start in {0, min(1, lead), lead}
        for end in {0, min(1, trail), trail}
    )
    for trimmed in trimmings:
        if trimmed == word or (trimmed and not trimmed.isdigit()):
            yield from _mapped(trimmed)


def _mapped(word: str) -> Iterator[str]:
    options = [_run_readings(ch, len(list(run))) for ch, run in itertools.groupby(word)]
    combinations = 1
    for choice in options:
        combinations *= len(choice)
    if combinations > MAX_READINGS:
        yield "".join(choice[0] for choice in options)
        return
    for letters in itertools.product(*options):
        yield "".join(letters)

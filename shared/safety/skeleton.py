"""Letters of any script reduced to the Latin letters they are drawn like (the TR39 skeleton idea).

A blocked word typed with look-alike letters ("ᴋɪʟʟ" in small capitals, "кіll" with Cyrillic letters,
"ηυde" with Greek ones) reads the same on a screen as the word itself, so it must compare the same.
Unicode's answer is the skeleton of UTS #39 (Security Mechanisms, section 4): map every character to
the prototype it is confusable with. Three sources make the map here:

- Unicode's names, for the Latin letters that are a plain letter in another shape: small capitals
  ("LATIN LETTER SMALL CAPITAL K"), letters with an attached stroke, hook or bar that no
  decomposition removes ("LATIN SMALL LETTER L WITH STROKE"), dotless and script forms. Read from
  `unicodedata` at run time, so every such letter Python knows is covered, not a list of examples.
- `lookalikes.LOOKALIKES`, the lines of Unicode's confusables.txt whose prototype is a Latin letter,
  for the letters of other scripts (Cyrillic, Greek, Cherokee, Armenian, ...).
- `PROTOTYPES`, the few Latin prototypes of confusables.txt that have no plain letter in their name.

Only the letters a person reads as a Latin letter are mapped; everything else (Japanese, Chinese,
most of any other script) passes through, so honest text in those scripts is untouched.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata

from shared.safety.lookalikes import LOOKALIKES

_NAMED_LETTER = re.compile(
    r"(?:LATIN|MODIFIER) (?:SMALL CAPITAL |SMALL |CAPITAL )?LETTER (?:SMALL CAPITAL |DOTLESS |SCRIPT )?"
    r"([A-Z])(?: WITH .+)?"
)
"""A name that says which plain letter a character is: "LATIN LETTER SMALL CAPITAL K",
"LATIN SMALL LETTER D WITH HOOK", "LATIN SMALL LETTER DOTLESS I". Turned, reversed or inverted
letters and ligatures do not match: they are not drawn like the letter."""

PROTOTYPES = {"ĸ": "k", "ʍ": "m", "ƅ": "b"}
"""Prototypes of confusables.txt named for no plain letter, read as the letter they are drawn like in
lower-case text: kra (that of Cyrillic к, Greek κ and the small capital K), turned w (that of
Cyrillic м and the small capital M), tone six (that of the Cyrillic soft sign ь)."""

IGNORABLE = frozenset(
    chr(cp)
    for first, last in (
        (0x00AD, 0x00AD),
        (0x034F, 0x034F),
        (0x061C, 0x061C),
        (0x115F, 0x1160),
        (0x17B4, 0x17B5),
        (0x180B, 0x180F),
        (0x200B, 0x200F),
        (0x202A, 0x202E),
        (0x2060, 0x206F),
        (0x3164, 0x3164),
        (0xFE00, 0xFE0F),
        (0xFEFF, 0xFEFF),
        (0xFFA0, 0xFFA0),
        (0xFFF0, 0xFFF8),
        (0x1BCA0, 0x1BCA3),
        (0x1D173, 0x1D17A),
        (0xE0000, 0xE0FFF),
    )
    for cp in range(first, last + 1)
)
"""Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt, 14.0): characters drawn as
nothing. Most are format characters or marks, which `normalise` drops by category anyway; the ones
that are not are the Hangul fillers and a few unassigned code points."""

HANGUL_FILLERS = "\u115f\u1160\u3164\uffa0"
"""The ignorable characters that are letters to Python (category Lo), so a filler inside a word
kept the word from being read. Fonts draw them as nothing or as a blank: `normalise.candidates`
reads a text with them both ways."""


def named_letter(ch: str) -> str | None:
    """The plain Latin letter a character's Unicode name says it is, lower case; None if it names none."""
    found = _NAMED_LETTER.fullmatch(unicodedata.name(ch, ""))
    return None if found is None else found.group(1).lower()


@functools.cache
def latin_table() -> dict[int, str]:
    """A `str.translate` table from look-alike characters to Latin letters.

    Built once, on first use (a scan of Unicode's names, about 0.1 s): the worker folds its word list
    at start-up, so no job pays for it.
    """
    table: dict[int, str] = {}
    for cp in range(0x80, min(sys.maxunicode, 0x2FFFF) + 1):
        ch = chr(cp)
        letter = named_letter(ch)
        # A character NFKC changes never reaches the table (a modifier small capital is the small
        # capital by then, the digraph "LATIN CAPITAL LETTER N WITH SMALL LETTER J" is "Nj").
        if letter is not None and unicodedata.normalize("NFKC", ch) == ch:
            table[cp] = letter
    for ch, letter in PROTOTYPES.items():
        table[ord(ch)] = letter
    for letters, characters in LOOKALIKES.items():
        for ch in characters:
            table.setdefault(ord(ch), letters)
    return table

"""The Latin skeleton: small capitals by their names, other scripts by Unicode's confusables, the
table's shape, and the characters drawn as nothing."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from shared.safety.lookalikes import LOOKALIKES
from shared.safety.normalise import LEET, fold
from shared.safety.skeleton import IGNORABLE, PROTOTYPES, latin_table, named_letter
from tests.shared.safety.strategies import DRAWN_LIKE


def _named(prefix: str) -> dict[str, str]:
    """Every character Python's Unicode names `prefix` + one letter, e.g. the small capitals."""
    found = {}
    for cp in range(sys.maxunicode + 1):
        name = unicodedata.name(chr(cp), "")
        if name.startswith(prefix) and len(name) == len(prefix) + 1:
            found[chr(cp)] = name[-1].lower()
    return found


@pytest.mark.parametrize("prefix", ["LATIN LETTER SMALL CAPITAL ", "MODIFIER LETTER SMALL CAPITAL "])
def test_every_small_capital_folds_to_its_letter(prefix):
    small_capitals = _named(prefix)
    assert len(small_capitals) >= 9, "the scan found the small capitals"
    assert {ch: fold(ch) for ch in small_capitals} == small_capitals


def test_names_say_the_letter_only_when_it_is_the_plain_letter():
    assert named_letter("ʟ") == "l"  # LATIN LETTER SMALL CAPITAL L
    assert named_letter("ɗ") == "d"  # LATIN SMALL LETTER D WITH HOOK
    assert named_letter("ı") == "i"  # LATIN SMALL LETTER DOTLESS I
    assert named_letter("ɐ") is None  # LATIN SMALL LETTER TURNED A: not drawn like an a
    assert named_letter("ð") is None  # LATIN SMALL LETTER ETH
    assert named_letter("к") is None  # a Cyrillic letter: confusables.txt says what it is drawn like


def test_the_lookalike_table_is_in_shape():
    seen: set[str] = set()
    for letters, characters in LOOKALIKES.items():
        assert letters.isascii() and letters.isalpha() and letters == letters.lower(), letters
        for ch in characters:
            assert ch not in seen, f"{ch!r} is listed twice"
            seen.add(ch)
            assert not ch.isascii(), f"{ch!r} needs no mapping"
            assert unicodedata.normalize("NFKC", ch) == ch, f"{ch!r} never survives NFKC"
            assert named_letter(ch) is None, f"{ch!r}: its name already says the letter"
            assert ch.casefold() not in LEET, f"{ch!r} is the leet reader's"


def test_every_mapping_ends_in_latin_letters():
    for cp, letters in latin_table().items():
        assert letters.isascii() and letters.isalpha() and letters.islower(), (chr(cp), letters)
    assert set(PROTOTYPES.values()) <= set("abcdefghijklmnopqrstuvwxyz")


@pytest.mark.parametrize("ch", sorted(IGNORABLE & {chr(cp) for cp in range(0x10000)}))
def test_characters_drawn_as_nothing_vanish_inside_a_word(ch):
    assert fold(f"ki{ch}ll") == "kill"


def test_every_letter_has_look_alikes_for_the_property_tests_to_draw_from():
    assert set("abcdefghijklmnopqrstuvwxyz") <= set(DRAWN_LIKE)
    assert min(len(characters) for characters in DRAWN_LIKE.values()) >= 2

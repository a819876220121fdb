"""Folding and candidate words: each disguise undone, word boundaries kept."""

from __future__ import annotations

import pytest

from shared.safety.normalise import MAX_READINGS, MAX_SPELLED_WORD, candidates, fold, readings


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("KiLL", "kill"),
        ("ｋｉｌｌ", "kill"),  # full-width
        ("𝐤𝐢𝐥𝐥", "kill"),  # mathematical bold
        ("ⓚⓘⓛⓛ", "kill"),  # circled
        ("kíll", "kill"),  # accent
        ("ki\u0301ll", "kill"),  # combining accent
        ("k\u200bi\u200cl\u200dl\u2060", "kill"),  # zero-width space, non-joiner, joiner, word joiner
        ("k\u00adill", "kill"),  # soft hyphen
        ("\ufeffkill", "kill"),  # byte-order mark
        ("кіll", "kill"),  # Cyrillic ka and i
        ("κιll", "kill"),  # Greek kappa and iota
        ("STRAßE", "strasse"),
        ("ᴋɪʟʟ", "kill"),  # small capitals
        ("ᴋɪʟʟᴇʀ ɴᴜᴅᴇ", "killer nude"),
        ("ki\u3164ll", "kill"),  # Hangul filler
        ("ki\u115fll", "kill"),  # Hangul choseong filler
        ("ki\u1160ll", "kill"),  # Hangul jungseong filler
        ("ki\uffa0ll", "kill"),  # half-width Hangul filler
        ("k\U000e0069ill", "kill"),  # tag letter
        ("ki\ufe0fll", "kill"),  # variation selector
        ("ΗΙΤLER", "hitler"),  # Greek capitals: eta is an H as typed, though its small letter is an n
        ("ηυde", "nude"),  # Greek small eta and upsilon
        ("НІТLЕR", "hitler"),  # Cyrillic capitals
        ("ᏚᎬX", "sex"),  # Cherokee
        ("ѕеx", "sex"),  # Cyrillic dze and ie
        ("łóđź", "lodz"),  # letters with a stroke, which no decomposition removes
        ("ɢᴏʀʏ", "gory"),
        ("Ꞩ", "s"),  # LATIN CAPITAL LETTER S WITH OBLIQUE STROKE: its name says which letter
    ],
)
def test_fold_undoes_case_width_accents_invisibles_and_lookalikes(typed, folded):
    assert fold(typed) == folded


def test_fold_keeps_leet_and_punctuation_for_the_reader():
    assert fold("K1LL! $EX") == "k1ll! $ex"
    assert fold("kiӏӏ sεx") == "kiӏӏ sεx", "the palochka and epsilon are read with the leet symbols"
    assert fold("KIӀӀ") == "kiӏӏ", "the capital palochka is the same stroke"


def test_the_palochka_reads_as_l_or_i():
    assert set(readings("kiӏӏ")) >= {"kill"}
    assert set(readings("kӏll")) >= {"kill"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a red apple", ["a", "red", "apple"]),
        ("kill!", ["kill!"]),
        ("cat/dog", ["cat", "dog", "catdog"]),
        ("ki.ll", ["ki", "ll", "kill"]),
        ("4 5 5", []),
        ("the 1990s", ["the", "1990s"]),
    ],
)
def test_candidates_are_whole_words_and_rejoined_chunks(text, expected):
    assert candidates(text) == expected


@pytest.mark.parametrize("text", ["k i l l", "k.i.l.l", "k-i-l-l", "k. i. l. l.", "k i l l!", "a k i l l x"])
def test_every_stretch_of_spelled_out_letters_is_a_candidate(text):
    found = candidates(text)
    assert "kill" in found
    assert "il" in found and "ll" in found, "every stretch, not only the whole run"


def test_spelled_out_stretches_are_bounded_in_length():
    found = candidates(" ".join("ab" * 40))
    lengths = sorted({len(word) for word in found})
    assert lengths[-2:] == [MAX_SPELLED_WORD, 80], "stretches up to the bound, and the whole run"


def test_readings_try_every_meaning_of_an_ambiguous_symbol():
    assert set(readings("k1ll")) == {"kill", "klll"}
    assert set(readings("|1")) == {"li", "ll", "ii", "il"}


def test_readings_also_treat_edge_symbols_as_punctuation():
    assert set(readings("kill!")) == {"killi", "kill"}
    assert set(readings("$ex")) == {"sex", "ex"}
    assert "sex" in set(readings("$ex!"))


def test_readings_of_a_long_ambiguous_word_are_capped():
    assert list(readings("1a" * 5)) == ["ia" * 5]
    assert len(list(readings("1a" * 4))) == MAX_READINGS


def test_a_run_of_an_ambiguous_symbol_reads_as_one_letter_or_split_in_two():
    """'ki11111' is 'kill' with the l held down, 'h11t1113r' is 'hitler', 'k111' is 'kill': not
    2 ** 5 spellings past the cap."""
    assert set(readings("1" * 5)) == {"iiiii", "lllll", "iilll", "lliii"}
    assert "killlll" in set(readings("ki11111")) and "kill" in set(readings("k111"))
    assert "hiitlller" in set(readings("h11t1113r"))

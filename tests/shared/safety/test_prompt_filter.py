"""The prompt filter: disguised blocked words refused, innocent words kept, nothing echoed."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from shared.safety import PromptFilter, Refusal, default_words, extra_words
from tests.shared.safety.strategies import BLOCKED, lookalike_disguised

FILTER = PromptFilter(default_words() + extra_words(["ass", "crap", "anal"]))

DISGUISES = {
    "plain": ("kill", "kill"),
    "in a sentence": ("please kill the apple", "kill"),
    "capitals": ("KiLL", "kill"),
    "full width": ("ｋｉｌｌ", "kill"),
    "accents": ("kïll", "kill"),
    "zero width": ("k\u200bi\u200dll", "kill"),
    "cyrillic": ("кіll", "kill"),
    "small capitals": ("ᴋɪʟʟ", "kill"),
    "small capitals in a sentence": ("a ɴᴜᴅᴇ apple", "nude"),
    "palochka for l": ("kiӏӏ", "kill"),
    "palochka for i": ("kӏll", "kill"),
    "capital palochka": ("KIӀӀ", "kill"),
    "hangul filler": ("ki\u3164ll", "kill"),
    "hangul choseong filler": ("ki\u115fll", "kill"),
    "hangul jungseong filler": ("ki\u1160ll", "kill"),
    "half-width hangul filler": ("ki\uffa0ll", "kill"),
    "hangul filler as a space": ("please\u3164kill\u3164it", "kill"),
    "greek capitals": ("ΗΙΤLΕR", "hitler"),
    "greek epsilon": ("sεx", "sex"),
    "greek beta": ("βοοb", "boob"),
    "cherokee": ("ᏚᎬX", "sex"),
    "armenian": ("ոսde", "nude"),
    "tag characters": ("k\U000e0069\U000e006cill", "kill"),
    "leet digit": ("k1ll", "kill"),
    "leet symbol i": ("k!ll", "kill"),
    "leet pipe l": ("ki||", "kill"),
    "leet dollar": ("$ex", "sex"),
    "leet at": ("@ss", "ass"),
    "symbols only": ("@$$", "ass"),
    "leet zero": ("p0rn", "porn"),
    "leet everything": ("$3×", None),  # x-like sign is not a letter: must not crash, may pass
    "stretched": ("kiiiilllll", "kill"),
    "stretched leet": ("s3eexxx", "sex"),
    "spaced": ("k i l l", "kill"),
    "dotted": ("k.i.l.l", "kill"),
    "dashed": ("k-i-l-l", "kill"),
    "underscored": ("n_u_d_e", "nude"),
    "dot space": ("k. i. l. l.", "kill"),
    "spaced after an article": ("a k i l l", "kill"),
    "spaced and padded": ("x k i l l y z", "kill"),
    "spaced with trailing bang": ("draw k i l l!", "kill"),
    "spaced leet": ("5 3 x", "sex"),
    "split by punctuation": ("ki.ll", "kill"),
    "masked": ("f*ck", "fuck"),
    "masked hash": ("sh#t", "shit"),
    "trailing punctuation": ("kill!!!", "kill"),
    "quoted": ('"nude"', "nude"),
    "ending s": ("corpses", "corpse"),
    "ending ed": ("stabbed", "stab"),
    "ending ing": ("killing", "kill"),
    "ending ing e": ("raping", "rape"),
    "ending y": ("s3xy", "sex"),
    "ending y doubled": ("crappy", "crap"),
}


@pytest.mark.parametrize("case", list(DISGUISES))
def test_each_disguise_is_seen_through(case):
    text, word = DISGUISES[case]
    refusal = FILTER.check(text)
    if word is None:
        return
    assert refusal is not None and refusal.word == word


INNOCENT = [
    "a red apple",
    "class",
    "grass",
    "assessment",
    "scrap",
    "scrapped",
    "bass",
    "passage",
    "as",
    "Scunthorpe",
    "skilled",
    "skillet",
    "killer whale",
    "blood orange",
    "water gun",
    "photo shoot",
    "therapist",
    "grape",
    "scrape",
    "Essex and Sussex",
    "sextant",
    "snigger",
    "method",
    "analysis",
    "canal",
    "shiitake",
    "I am a cat",
    "a b c",
    "4 5 5",
    "the 1990s",
    "****",
    "a****",
    "new colour, please!",
    # Honest prompts in other languages: the look-alike letters of other scripts must not make a
    # blocked word of them (a museum cannot explain a false refusal to a child).
    # German
    "ein grüner Apfel auf dem Tisch",
    "Äpfel, Birnen und Pflaumen im Körbchen",
    "die Straße im Schnee, größer und heller",
    "ein süßes Kätzchen mit einer Schleife",
    "Brötchen und Müsli zum Frühstück",
    # French
    "une pomme rouge sur une table en bois",
    "le garçon mange une crème brûlée à la fraise",
    "un château près de la forêt, en été",
    "des œufs et du pâté pour le goûter",
    "la tête du cheval, plus colorée",
    # Japanese
    "木のテーブルの上の赤いりんご",
    "夏の海と白い雲、もっと明るく",
    "ねこがすきです",
    "カメラの前にバナナを置いてください",
    # Other scripts and languages a museum hears
    "una manzana verde en la cocina, señor",
    "jabłko na stole, łódź na jeziorze",
    "yeşil elma ve ılık süt",
    "красное яблоко на деревянном столе",
    "зелене яблуко і груша",
    "ένα κόκκινο μήλο στο τραπέζι",
    "תפוח אדום על השולחן",
    "تفاحة حمراء على الطاولة",
    "桌子上的红苹果",
    "나무 테이블 위의 빨간 사과",
    "एक लाल सेब मेज़ पर",
]


@pytest.mark.parametrize("text", INNOCENT)
def test_innocent_text_passes_even_when_it_contains_a_blocked_word(text):
    assert FILTER.check(text) is None


_LEET_FOR = {"a": "4@", "e": "3", "i": "1!", "l": "1|", "o": "0", "s": "5$", "t": "7+", "b": "8", "g": "9"}
_SEPARATORS = ["", " ", ".", "-", "_", ". "]


@st.composite
def disguised(draw) -> tuple[str, str]:
    """A blocked word with random case, leet, accents, invisible characters, stretching and spacing."""
    word = draw(st.sampled_from(BLOCKED))
    separator = draw(st.sampled_from(_SEPARATORS))
    letters = []
    for letter in word:
        ch = letter
        if letter in _LEET_FOR and draw(st.booleans()):
            ch = draw(st.sampled_from(_LEET_FOR[letter]))
        elif draw(st.booleans()):
            ch = ch.upper()
        if ch.isalpha() and draw(st.booleans()):
            ch += "\u0301"
        if draw(st.booleans()):
            ch = chr(ord(ch[0]) + 0xFEE0) + ch[1:] if "!" <= ch[0] <= "~" else ch
        ch *= draw(st.integers(1, 3)) if separator == "" else 1
        if draw(st.booleans()):
            ch += draw(st.sampled_from(["\u200b", "\u200d", "\u00ad", "\u2060"]))
        letters.append(ch)
    assume(not all(ch[0].isdigit() for ch in letters))  # digits alone are a number (see normalise.candidates)
    before, after = draw(st.sampled_from([("", ""), ("a picture of ", " please"), ("my ", "!")]))
    return before + separator.join(letters) + after, word


@pytest.mark.parametrize(
    "disguises",
    [disguised(), lookalike_disguised()],
    ids=["leet, accents and spacing", "look-alike letters and invisible characters"],
)
@settings(max_examples=500, deadline=None)
@given(data=st.data())
def test_random_disguises_of_every_default_word_are_refused(disguises, data):
    text, word = data.draw(disguises)
    refusal = FILTER.check(text)
    assert refusal is not None, f"{text!a} passed"
    assert refusal.word in word, "the disguised word itself, or a blocked word spelled inside it"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gets_an_answer(text):
    assert FILTER.check(text) is None or isinstance(FILTER.check(text), Refusal)


def test_a_long_adversarial_prompt_is_answered():
    assert FILTER.check("1|" * 150) is None
    assert FILTER.check("k " * 149 + "x") is None
    assert FILTER.check("a " * 140 + "k i l l") is not None


@pytest.mark.parametrize(
    ("category", "phrase"),
    [
        ("violence", "violence"),
        ("sexual", "sexual"),
        ("hateful", "rude or hateful"),
        ("drugs", "drugs"),
        ("exhibit", "blocked words"),
    ],
)
def test_the_reason_names_the_kind_of_word_never_the_word(category, phrase):
    refusal = Refusal("zonk", category)
    assert phrase in refusal.reason and "zonk" not in refusal.reason


def test_reasons_of_real_refusals_never_echo_the_text():
    for text in ("k1ll", "p0rn", "n.a.z.i", "cocaine"):
        refusal = FILTER.check(text)
        assert refusal is not None
        folded = refusal.word
        assert folded not in refusal.reason and text not in refusal.reason


def test_an_empty_list_refuses_nothing_and_duplicates_count_once():
    assert PromptFilter([]).check("kill") is None
    assert PromptFilter(extra_words(["zonk", "ZONK"])).size == 1

"""Labels and prompts hold only characters drawn as text: C1 controls and bidi overrides are refused too."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from testkit.jobs import make_job


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("apple\x85pear", "a control character (U+0085) at position 5"),  # NEXT LINE: breaks a log line
        ("\x9b31mred", "a control character (U+009B) at position 0"),  # CSI: starts a terminal escape
        ("apple\x80", "a control character (U+0080)"),
        ("apple\x9f", "a control character (U+009F)"),
        ("apple\x1b[2J", "a control character (U+001B)"),
        ("apple\x7f", "a control character (U+007F)"),
        ("apple\ue000", "a private-use character (U+E000)"),
        ("apple\U000f0000", "a private-use character (U+F0000)"),
        ("apple\u2028pear", "a line separator (U+2028)"),
        ("apple\u2029pear", "a paragraph separator (U+2029)"),
        ("apple \u202eraep", "a bidi control (U+202E)"),  # RIGHT-TO-LEFT OVERRIDE
        ("apple \u202dpear", "a bidi control (U+202D)"),
        ("\u202aapple", "a bidi control (U+202A)"),
        ("apple \u2066pear\u2069", "a bidi control (U+2066)"),  # LEFT-TO-RIGHT ISOLATE
    ],
)
@pytest.mark.parametrize("field", ["label", "prompt"])
def test_unprintable_text_is_refused_with_the_character_named(field, text, error):
    with pytest.raises(ValidationError) as refused:
        make_job(**{field: text})
    assert f"{field} contains {error}" in str(refused.value)


@pytest.mark.parametrize("field", ["label", "prompt"])
def test_a_lone_surrogate_is_refused(field):
    with pytest.raises(ValidationError, match=field):
        make_job(**{field: "apple\ud800"})


@pytest.mark.parametrize(
    "text",
    [
        "Äpfel und Birnen, grün",
        "une pomme à la crème brûlée",
        "赤いりんごと緑の梨",
        "תפוח אדום",  # Hebrew, right to left without any override
        "تفاحة حمراء",
        "apple\u200fpear",  # RIGHT-TO-LEFT MARK: a mark, not an override
        "apple 🍎",
        "a\u00a0b",  # no-break space
    ],
)
def test_ordinary_text_in_any_script_passes(text):
    assert make_job(label=text[:64], prompt=text).prompt == text

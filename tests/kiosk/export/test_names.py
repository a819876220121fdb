from __future__ import annotations

import pytest

from kiosk.export.names import MAX_FOLDER_CHARS, folder_names, safe_name


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("apple", "apple"),
        ("Red apple", "Red apple"),
        ("Äpfel", "Äpfel"),
        ("../../etc", "_.._etc"),
        ("a/b\\c", "a_b_c"),
        ("con", "_con"),
        ("CON.txt", "_CON.txt"),
        ("lpt1", "_lpt1"),
        ("console", "console"),
        ("  .hidden. ", "hidden"),
        ("..", "class"),
        ("what?*:<>|", "what_"),
    ],
)
def test_safe_name(label, expected):
    assert safe_name(label) == expected


def test_safe_names_are_single_short_components():
    for label in ("x" * 300, "/" * 10 + "a", "a" + " " * 80 + "b", "日本語のラベル" * 20):
        name = safe_name(label)
        assert name and "/" not in name and "\\" not in name and name not in (".", "..")
        assert len(name) <= MAX_FOLDER_CHARS and name == name.strip(" .")


def test_folder_names_are_distinct_ignoring_case():
    names = folder_names(["a/b", "a?b", "A:b", "apple", "Apple!"])
    assert names == {"a/b": "a_b", "a?b": "a_b-2", "A:b": "A_b-3", "apple": "apple", "Apple!": "Apple_"}
    long = folder_names(["x" * 100 + "/", "x" * 100 + "?"])
    assert [len(name) for name in long.values()] == [MAX_FOLDER_CHARS, MAX_FOLDER_CHARS]
    assert len({name.casefold() for name in long.values()}) == 2

"""The class-name rules: which pairs of names a picture could fit both of, and which names are a
catch-all, over many pairs both ways."""

import pytest

from kiosk.coach.class_names import Overlap, is_catch_all, kind_of, overlap, overlaps, singular, words

SAME = [
    ("Mug", "mugs"),
    ("mug", "MUG"),
    ("apple", "Apples"),
    ("box", "boxes"),
    ("berry", "berries"),
    ("dress", "dresses"),
    ("watch", "watches"),
    ("knife", "knives"),
    ("leaf", "leaves"),
    ("mouse", "mice"),
    ("shoe", "shoes"),
    ("potato", "potatoes"),
    ("my mug", "the mug"),
    ("teddy's hat", "teddy hat"),
    ("red-car", "red car"),
]
SYNONYM = [
    ("cup", "mug"),
    ("sofa", "couch"),
    ("bike", "bicycle"),
    ("coffee cup", "coffee mug"),
    ("phone", "smartphone"),
    ("cookies", "biscuit"),
    ("rubber", "eraser"),
]
NARROWER = [  # (broad, narrow)
    ("car", "red car"),
    ("mug", "my blue mug"),
    ("mug", "coffee mug"),
    ("fruit", "apple"),
    ("fruit", "green apples"),
    ("animal", "duck"),  # through "bird"
    ("cat", "kitten"),
    ("ball", "football"),
    ("toy", "ball"),
    ("cup", "blue mug"),  # a kind of the same thing
    ("clothing", "jeans"),  # "clothing" is "clothes"
    ("red fruit", "red apple"),
    ("vehicle", "bikes"),
]
APART = [
    ("red car", "blue car"),
    ("car", "car key"),
    ("apple", "pineapple"),
    ("apple", "apple juice"),
    ("cup", "cupcake"),
    ("ball", "balloon"),
    ("pen", "pencil"),
    ("car", "card"),
    ("cat", "dog"),
    ("tennis ball", "football"),
    ("glasses", "glass"),
    ("red fruit", "apple"),  # not every apple is red
    ("mouse", "keyboard"),
    ("apple", "pear"),
    ("fork", "spoon"),
    ("not mug", "mug"),  # a catch-all overlaps on purpose
    ("something else", "other things"),
]


@pytest.mark.parametrize(("first", "second"), SAME)
def test_the_same_words_are_one_name(first, second):
    for a, b in ((first, second), (second, first)):
        found = overlap(a, b)
        assert found is not None and found.kind is Overlap.SAME, (a, b, found)
        assert (found.broad, found.narrow) == (a, b), "the later name is the one to rename"


@pytest.mark.parametrize(("first", "second"), SYNONYM)
def test_words_for_the_same_thing_may_be_one_class(first, second):
    for a, b in ((first, second), (second, first)):
        found = overlap(a, b)
        assert found is not None and found.kind is Overlap.SYNONYM, (a, b, found)


@pytest.mark.parametrize(("broad", "narrow"), NARROWER)
def test_a_narrower_name_is_found_whichever_came_first(broad, narrow):
    for a, b in ((broad, narrow), (narrow, broad)):
        found = overlap(a, b)
        assert found is not None and found.kind is Overlap.NARROWER, (a, b, found)
        assert (found.broad, found.narrow) == (broad, narrow)


@pytest.mark.parametrize(("first", "second"), APART)
def test_names_that_do_not_overlap(first, second):
    assert overlap(first, second) is None
    assert overlap(second, first) is None


def test_every_overlapping_pair_in_class_order():
    found = overlaps(["mug", "apple", "cup", "fruit", "something else"])
    assert [(f.kind, f.broad, f.narrow) for f in found] == [
        (Overlap.SYNONYM, "mug", "cup"),
        (Overlap.NARROWER, "fruit", "apple"),
    ]
    assert overlaps(["apple", "pear", "plum"]) == []


@pytest.mark.parametrize(
    "name",
    [
        "something else",
        "Something Else",
        "other",
        "others",
        "other things",
        "background",
        "nothing",
        "none of these",
        "not mug",
        "No ball",
        "non-food",
        "empty",
        "random stuff",
        "unknown",
        "everything else",
    ],
)
def test_catch_all_names(name):
    assert is_catch_all(name)


@pytest.mark.parametrize(
    "name",
    [
        "mug",
        "other car",
        "my stuff",
        "nothing box"[:7] + "ing",
        "notebook",
        "nose",
        "background music box",
        "apple",
        "",
    ],
)
def test_names_of_things_are_not_catch_alls(name):
    assert not is_catch_all(name)


def test_singular_and_words():
    assert [
        singular(w) for w in ("cherries", "glasses", "bus", "cactus", "kiwis", "toys", "class", "cookies")
    ] == [
        "cherry",
        "glasses",
        "bus",
        "cactus",
        "kiwi",
        "toy",
        "class",
        "cookie",
    ]
    assert words("My Grandmother's  BLUE mugs!") == ("grandmother", "blue", "mug")
    assert words("my") == ("my",), "a name of determiners alone keeps its words"


def test_kind_of_follows_the_chain_but_not_backwards():
    assert kind_of("duck", "animal") and kind_of("apple", "food")
    assert not kind_of("animal", "duck") and not kind_of("apple", "vegetable")

"""The coach's small word table for class names: which exhibit objects are the same thing or a kind
of another, and the words a catch-all class is named with.

Curated by hand for objects a visitor brings to a kiosk (fruit, toys, tools, tableware, clothes,
stationery, gadgets, animals): WordNet would know more, but it is not installed on a kiosk and its
hundreds of senses per word would flag "pen" against "enclosure". The table is Python rather than a
data file so it ships with the code; `class_names.py` reads it. Words are singular and lower case;
one word only (a name's last word is the one looked up: "coffee mug" is a kind of "mug").
Extend it where visitors' names slip through, with a test in tests/kiosk/coach/test_class_names.py.
"""

from __future__ import annotations


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


SAME_THING: tuple[frozenset[str], ...] = tuple(
    _set(group)
    for group in (
        "cup mug",
        "sofa couch settee",
        "bike bicycle",
        "car automobile",
        "phone mobile cellphone smartphone",
        "rock stone pebble",
        "bin dustbin trashcan wastebasket",
        "jumper sweater pullover",
        "trainer sneaker",
        "rubber eraser",
        "spanner wrench",
        "torch flashlight",
        "tv television",
        "lorry truck",
        "aubergine eggplant",
        "courgette zucchini",
        "biscuit cookie",
        "sweet candy",
        "glasses spectacles",
        "rabbit bunny",
        "teddy teddybear",
        "bag sack",
        "beaker tumbler",
        "pail bucket",
        "clothes clothing",
        "device gadget",
    )
)
"""Words that name the same kind of object, by group."""

KINDS: dict[str, frozenset[str]] = {
    broad: _set(narrow)
    for broad, narrow in {
        "fruit": "apple pear banana orange lemon lime grape strawberry cherry peach plum kiwi mango "
        "pineapple melon watermelon apricot berry raspberry blueberry",
        "vegetable": "carrot potato tomato cucumber onion pepper broccoli lettuce cabbage aubergine "
        "eggplant courgette zucchini pea bean corn garlic",
        "food": "fruit vegetable bread biscuit cookie cake sweet candy",
        "animal": "dog cat bird fish horse cow pig sheep rabbit bunny mouse bear lion tiger elephant "
        "giraffe frog turtle snake insect spider",
        "bird": "duck chicken owl parrot pigeon penguin eagle swan goose",
        "insect": "bee ant butterfly beetle ladybird ladybug",
        "dog": "puppy",
        "cat": "kitten",
        "toy": "ball doll teddy puzzle lego yoyo kite marble rattle",
        "ball": "football basketball baseball volleyball softball netball",
        "tool": "hammer screwdriver wrench spanner pliers saw drill chisel",
        "cutlery": "fork knife spoon",
        "vehicle": "car automobile bus truck lorry bike bicycle train boat plane tractor van motorbike "
        "scooter",
        "clothes": "shirt hat cap sock shoe glove scarf jumper sweater jacket coat dress skirt trousers "
        "jeans",
        "shoe": "boot sneaker trainer sandal slipper",
        "furniture": "chair table sofa couch bed desk stool shelf cupboard",
        "instrument": "guitar drum violin flute piano trumpet recorder ukulele",
        "stationery": "pen pencil eraser rubber ruler crayon marker sharpener stapler",
        "device": "phone laptop tablet remote keyboard mouse camera headphones calculator watch",
        "container": "box bottle jar can tin cup mug bowl bag basket carton bucket",
        "dish": "plate bowl",
        "tableware": "plate bowl cup mug glass fork knife spoon",
        "plant": "flower tree leaf cactus fern grass",
        "flower": "rose tulip daisy sunflower lily",
        "coin": "penny cent",
        "money": "coin note banknote",
    }.items()
}
"""Broad word -> words for kinds of it, one level: `class_names.kind_of` follows the chain ("duck"
is a "bird", so an "animal") and the `SAME_THING` groups ("clothing" is "clothes")."""

CATCH_ALL = _set(
    "nothing none other others background else empty misc miscellaneous random unknown neither "
    "rest anything everything"
)
"""Words that make a name a catch-all class ("something else", "other", "background")."""

GENERIC = _set("something thing stuff object item of them all")
"""Words that say nothing about the object: "other things" and "none of them" are still catch-alls."""

NEGATIONS = frozenset({"not", "no", "non"})
"""A name starting with one of these is a catch-all of everything but the rest: "not mug"."""

DETERMINERS = _set("a an the my our your his her their its some this that these those")
"""Words dropped before names are compared: "my blue mug" is compared as "blue mug"."""

ENDS_IN_S = _set(
    "glasses scissors pliers trousers jeans shorts pants tongs headphones earphones binoculars clothes "
    "chess news series species lens bus gas tennis iris axis chassis"
)
"""Words ending in s that are not plurals to strip ("glasses" are not several "glass")."""

IRREGULAR = {
    "mice": "mouse",
    "geese": "goose",
    "feet": "foot",
    "teeth": "tooth",
    "children": "child",
    "people": "person",
    "men": "man",
    "women": "woman",
    "knives": "knife",
    "leaves": "leaf",
    "loaves": "loaf",
    "wolves": "wolf",
    "shelves": "shelf",
    "halves": "half",
    "scarves": "scarf",
    "potatoes": "potato",
    "tomatoes": "tomato",
    "mangoes": "mango",
    "buses": "bus",
    "cacti": "cactus",
    "cookies": "cookie",
    "pies": "pie",
    "ties": "tie",
    "movies": "movie",
    "zombies": "zombie",
    "hoodies": "hoodie",
    "beanies": "beanie",
}
"""Plurals the suffix rules in `class_names.singular` would get wrong."""

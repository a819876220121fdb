"""What class names alone say about a project: names for the same thing, one inside another, and
whether one class is a catch-all ("something else").

DuetML's assistant helped people define better labels (docs/architecture.md#research); this is that
help on the Classes step, before a photo is taken, with string rules and a small word table
(`class_words.py`), offline. A name is compared as its words: case folded, "'s" and punctuation
dropped, determiners left out ("my blue mug" is "blue mug"), each word made singular. Its last word
is its head (the thing), the others its modifiers (which of those things). Two names overlap when a
picture could fit both:

- `SAME`: the same words ("Mug" and "mugs");
- `SYNONYM`: heads that name the same thing (`class_words.SAME_THING`) with the same modifiers
  ("cup" and "mug", "coffee cup" and "coffee mug");
- `NARROWER`: one name is the other with more modifiers, or a kind of it (`class_words.KINDS`) with
  at least its modifiers: every "red car" is a "car", every "apple" a "fruit".

"red car" and "blue car", "car" and "car key", "apple" and "pineapple" do not overlap: different
modifiers, different heads, different words. Catch-all names ("not mug", "something else") are
never compared: they overlap everything on purpose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from kiosk.coach.class_words import (
    CATCH_ALL,
    DETERMINERS,
    ENDS_IN_S,
    GENERIC,
    IRREGULAR,
    KINDS,
    NEGATIONS,
    SAME_THING,
)

_NOT_A_WORD = re.compile(r"[^\w]+")
_POSSESSIVE = re.compile(r"['’]s\b")


def singular(word: str) -> str:
    """The singular of an English noun, by suffix with a table of exceptions: close enough for names."""
    if word in IRREGULAR:
        return IRREGULAR[word]
    if word in ENDS_IN_S or len(word) < 4:
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us")):
        return word[:-1]
    return word


def words(name: str) -> tuple[str, ...]:
    """The words a name is compared by (see the module docstring); its raw words if none is left."""
    raw = _NOT_A_WORD.sub(" ", _POSSESSIVE.sub("", name.casefold())).split()
    kept = [word for word in raw if word not in DETERMINERS] or raw
    return tuple(singular(word) for word in kept)


def is_catch_all(name: str) -> bool:
    """Whether a class is named as everything else: "something else", "other things", "not mug"."""
    found = words(name)
    if not found:
        return False
    if found[0] in NEGATIONS or name.casefold().lstrip().startswith("non-"):
        return True
    return bool(set(found) & CATCH_ALL) and set(found) <= CATCH_ALL | GENERIC


def same_thing(first: str, second: str) -> bool:
    """Whether two words name the same kind of object: equal, or in one `SAME_THING` group."""
    return first == second or any(first in group and second in group for group in SAME_THING)


def kind_of(narrow: str, broad: str) -> bool:
    """Whether word `narrow` names a kind of `broad` ("apple" of "fruit", "duck" of "animal")."""
    seen, todo = set(), [broad]
    while todo:
        word = todo.pop()
        if word in seen:
            continue
        seen.add(word)
        for key, kinds in KINDS.items():
            if same_thing(key, word):
                if any(same_thing(narrow, kind) for kind in kinds):
                    return True
                todo.extend(kinds)
    return False


class Overlap(StrEnum):
    SAME = "same"
    SYNONYM = "synonym"
    NARROWER = "narrower"


@dataclass(frozen=True)
class NameOverlap:
    """Two class names a picture could fit both of."""

    kind: Overlap
    broad: str
    """The name as the visitor typed it; for `NARROWER` the one that takes in the other."""
    narrow: str
    """The other name (for `SAME` and `SYNONYM`, the one that came later)."""


def overlap(first: str, second: str) -> NameOverlap | None:
    """How two class names overlap, `first` being the one that came first; None when they do not."""
    if is_catch_all(first) or is_catch_all(second):
        return None
    a, b = words(first), words(second)
    if not a or not b:
        return None
    if a == b:
        return NameOverlap(Overlap.SAME, first, second)
    for broad, narrow, wide, fine in ((first, second, a, b), (second, first, b, a)):
        head, kind = wide[-1], fine[-1]
        if not set(wide[:-1]) <= set(fine[:-1]):
            continue
        if set(wide[:-1]) == set(fine[:-1]) and same_thing(head, kind):
            return NameOverlap(Overlap.SYNONYM, first, second)
        if same_thing(head, kind) or kind_of(kind, head):
            return NameOverlap(Overlap.NARROWER, broad, narrow)
    return None


def overlaps(names: list[str] | tuple[str, ...]) -> list[NameOverlap]:
    """Every overlapping pair of class names, in the order the classes are shown."""
    found = []
    for index, first in enumerate(names):
        for second in names[index + 1 :]:
            pair = overlap(first, second)
            if pair is not None:
                found.append(pair)
    return found

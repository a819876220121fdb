"""Advice on the class names alone, for the Classes step (`kiosk.coach.coach.NAMING`).

- one_class: a single class can still be taught, as "mug" against "not mug".
- something_else: with two or more classes and no catch-all, everything the camera sees is called
  one of them; a "something else" class of other objects gives the model a way to say "none of these".
  (An empty stage is already "I don't see anything": this is about other objects and the background
  around them.)
- overlapping_names: two names a picture could fit both of (`kiosk/coach/class_names.py`).
"""

from __future__ import annotations

from kiosk.coach.class_names import NameOverlap, Overlap, is_catch_all, overlaps
from kiosk.coach.config import CoachConfig
from kiosk.coach.rules.registry import Finding, register
from kiosk.coach.state import CoachState
from kiosk.coach.suggestion import AddClass, RenameClass
from kiosk.store import MAX_LABEL_CHARS

SOMETHING_ELSE = "something else"


@register("one_class")
def one_class(state: CoachState, config: CoachConfig) -> list[Finding]:
    if len(state.classes) != 1 or is_catch_all(state.classes[0]):
        return []
    name = state.classes[0]
    other = f"not {name}" if len(name) + 4 <= MAX_LABEL_CHARS else SOMETHING_ELSE
    reason = (
        f"Only “{name}” so far. Add “{other}” and show it anything else: the model learns what is and "
        "isn't one."
    )
    return [Finding(1.0, reason, AddClass(other))]


@register("something_else")
def something_else(state: CoachState, config: CoachConfig) -> list[Finding]:
    if len(state.classes) < 2 or any(is_catch_all(name) for name in state.classes):
        return []
    reason = (
        f"The model calls everything one of your classes. Add “{SOMETHING_ELSE}” and show it other "
        "objects: then it can say “none of these”."
    )
    return [Finding(1.0, reason, AddClass(SOMETHING_ELSE))]


_SEVERITY = {Overlap.SAME: 1.0, Overlap.SYNONYM: 0.8, Overlap.NARROWER: 0.8}


def _advice(found: NameOverlap) -> Finding:
    broad, narrow = found.broad, found.narrow
    if found.kind is Overlap.SAME:
        reason = (
            f"“{broad}” and “{narrow}” are one name to the model: it cannot learn a difference. "
            "Rename or remove one."
        )
        action = RenameClass(narrow)
    elif found.kind is Overlap.SYNONYM:
        reason = (
            f"“{broad}” and “{narrow}” may be the same thing. If so, keep one class; if not, show "
            "what tells them apart."
        )
        action = RenameClass(narrow)
    else:
        reason = (
            f"Every “{narrow}” is a “{broad}” too, so it fits both classes. Rename “{broad}”, e.g. "
            f"“other {broad}”."
        )
        action = RenameClass(broad)
    return Finding(_SEVERITY[found.kind], reason, action)


@register("overlapping_names")
def overlapping_names(state: CoachState, config: CoachConfig) -> list[Finding]:
    return [_advice(found) for found in overlaps(state.classes)]

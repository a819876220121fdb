"""The naming rules: "not A" beside a lone class, "something else" when no class is a catch-all,
names that overlap; and that only the Classes step asks for them."""

from kiosk.coach import AddClass, CoachState, RenameClass, suggest
from kiosk.coach.coach import NAMING
from kiosk.coach.config import CoachConfig
from kiosk.coach.rules import RULES
from kiosk.store import MAX_LABEL_CHARS


def named(*classes: str) -> CoachState:
    return CoachState(classes=classes, counts={})


def advice(*classes: str) -> list[tuple[str, object]]:
    return [(s.rule, s.action) for s in suggest(named(*classes), rules=NAMING)]


def test_a_lone_class_is_offered_its_opposite():
    [finding] = RULES["one_class"](named("mug"), CoachConfig())
    assert finding.action == AddClass("not mug")
    assert "Only “mug” so far. Add “not mug”" in finding.reason
    long = "x" * MAX_LABEL_CHARS
    assert RULES["one_class"](named(long), CoachConfig())[0].action == AddClass("something else")
    assert RULES["one_class"](named("nothing"), CoachConfig()) == []
    assert RULES["one_class"](named("mug", "cup"), CoachConfig()) == []


def test_something_else_until_a_class_is_a_catch_all():
    assert advice("apple", "pear") == [("something_else", AddClass("something else"))]
    assert advice("apple", "pear", "something else") == []
    assert advice("apple", "pear", "background") == []
    assert advice("apple", "not apple") == []
    assert advice() == [] and advice("apple") == [("one_class", AddClass("not apple"))]


def test_overlapping_names_come_before_something_else():
    found = suggest(named("mug", "apple", "cup", "fruit"), rules=NAMING)
    assert [s.rule for s in found] == ["overlapping_names", "overlapping_names", "something_else"]
    by_action = {s.action: s.reason for s in found}
    # May be one thing: rename the later one. Every apple is a fruit: rename the broad one.
    assert "“mug” and “cup” may be the same thing" in by_action[RenameClass("cup")]
    fruit = by_action[RenameClass("fruit")]
    assert fruit.startswith("Every “apple” is a “fruit” too") and "“other fruit”" in fruit
    [plural] = RULES["overlapping_names"](named("Mug", "mugs"), CoachConfig())
    assert plural.action == RenameClass("mugs") and plural.severity == 1.0
    assert "one name to the model" in plural.reason


def test_the_other_steps_never_hear_about_names():
    state = CoachState(classes=("mug", "cup"), counts={"mug": 10, "cup": 10}, samples_since_training=0)
    assert suggest(state) == []
    assert {s.rule for s in suggest(state, rules=NAMING)} == {"overlapping_names", "something_else"}

"""The step registry: order, lookup, unavailable screens, and where a coach action leads."""

from __future__ import annotations

import pytest

from kiosk.coach.suggestion import AddClass, CaptureSamples, GenerateVariations, Retrain, ReviewGenerated
from kiosk.tui.steps import STEPS, Step, StepUnavailable, step, step_for_action


def test_the_five_steps_in_order():
    assert [s.key for s in STEPS] == ["classes", "capture", "expand", "train", "try"]
    assert step("expand").screen == "kiosk.tui.screens.expand:ExpandScreen"
    assert step("train").screen == "kiosk.tui.screens.train:TrainScreen"


def test_unknown_step_names_the_valid_ones():
    with pytest.raises(KeyError, match="classes, capture"):
        step("nope")


@pytest.mark.parametrize("path", ["kiosk.tui.screens.not_there:Screen", "kiosk.tui.screens.base:NotAClass"])
def test_a_screen_that_cannot_be_imported_is_unavailable(path):
    missing = Step("x", "Missing", "", path)
    assert not missing.available()
    with pytest.raises(StepUnavailable, match="Missing"):
        missing.load()


@pytest.mark.parametrize(
    ("action", "key"),
    [
        (AddClass(), "classes"),
        (CaptureSamples(("apple",)), "capture"),
        (GenerateVariations("new_colour", ("apple",)), "expand"),
        (ReviewGenerated(("apple",)), "expand"),
        (Retrain(), "train"),
    ],
)
def test_coach_actions_lead_to_their_step(action, key):
    assert step_for_action(action).key == key

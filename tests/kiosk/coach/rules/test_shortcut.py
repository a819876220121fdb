"""The colour and background rules on rendered pictures with synthetic features (the backbone is
not the point here: test_backbone_shortcuts.py runs the real one)."""

import numpy as np
import pytest

from kiosk.coach import CoachConfig, CoachState, Cue, GenerateVariations, build_state
from kiosk.coach.build import pair_separation
from kiosk.coach.rules import RULES
from kiosk.coach.state import PairSeparation
from shared.presets import Preset
from testkit.colour_scenes import (
    ANY_BACKDROP,
    BLUE_BACKDROP,
    GREEN,
    RED,
    YELLOW_BACKDROP,
    Scene,
    render_classes,
)

ANY_HUE = (0.0, 1.0)


def separable_features(labels: list[str]) -> np.ndarray:
    """Features a model tells apart perfectly: one noisy cluster per class."""
    names = sorted(set(labels))
    rng = np.random.default_rng(7)
    return np.stack([np.eye(16)[names.index(label)] + rng.normal(0, 0.1, 16) for label in labels])


def state_of(scenes: dict[str, Scene], per_class: int = 10, masked: bool = True) -> CoachState:
    images, masks, labels = render_classes(scenes, per_class)
    return build_state(
        tuple(scenes), images, labels, masks=masks if masked else None, features=separable_features(labels)
    )


def test_red_apples_and_green_pears_trigger_new_colour():
    state = state_of({"apple": Scene("apple", RED), "pear": Scene("pear", GREEN)})
    [finding] = RULES["colour_shortcut"](state, CoachConfig())
    assert finding.action == GenerateVariations(Preset.NEW_COLOUR, ("apple", "pear"))
    assert finding.severity == 1.0
    assert finding.reason.startswith("Colour alone tells “apple” and “pear” apart")
    assert RULES["background_shortcut"](state, CoachConfig()) == []


def test_red_apples_and_red_pears_do_not_trigger_it():
    state = state_of({"apple": Scene("apple", RED), "pear": Scene("pear", RED)})
    assert RULES["colour_shortcut"](state, CoachConfig()) == []


def test_only_the_pair_colour_separates_is_named():
    state = state_of(
        {"apple": Scene("apple", RED), "pear": Scene("pear", GREEN), "cherry": Scene("apple", RED)}
    )
    [finding] = RULES["colour_shortcut"](state, CoachConfig())
    # Cherries are red too: colour separates both fruits from pears, not apples from cherries. The
    # strongest pair is named, the other counted, and all three classes get new colours.
    assert finding.action.labels == ("apple", "pear", "cherry")
    assert "“apple” and “pear” (and 1 more pair) apart" in finding.reason


def test_distinct_backdrops_trigger_new_background():
    state = state_of(
        {"apple": Scene("apple", ANY_HUE, BLUE_BACKDROP), "pear": Scene("pear", ANY_HUE, YELLOW_BACKDROP)}
    )
    [finding] = RULES["background_shortcut"](state, CoachConfig())
    assert finding.action == GenerateVariations(Preset.NEW_BACKGROUND, ("apple", "pear"))
    assert finding.reason.startswith("The background alone tells “apple” and “pear” apart")
    assert RULES["colour_shortcut"](state, CoachConfig()) == []


def test_shared_backdrops_do_not_trigger_it():
    state = state_of(
        {"apple": Scene("apple", ANY_HUE, ANY_BACKDROP), "pear": Scene("pear", ANY_HUE, ANY_BACKDROP)}
    )
    assert RULES["background_shortcut"](state, CoachConfig()) == []


def test_without_masks_there_is_no_background_to_judge():
    state = state_of(
        {"apple": Scene("apple", ANY_HUE, BLUE_BACKDROP), "pear": Scene("pear", ANY_HUE, YELLOW_BACKDROP)},
        masked=False,
    )
    assert Cue.BACKGROUND not in state.cues
    assert RULES["background_shortcut"](state, CoachConfig()) == []


@pytest.mark.parametrize("rule", ["colour_shortcut", "background_shortcut"])
def test_a_model_clearly_better_than_the_cue_is_not_accused(rule):
    labels = ("apple", "pear")
    pair = frozenset(labels)
    cue = PairSeparation(labels, {pair: 0.9})
    state = CoachState(
        classes=labels,
        counts={"apple": 20, "pear": 20},
        separation=PairSeparation(labels, {pair: 1.0}),
        cues={Cue.COLOUR: cue, Cue.BACKGROUND: cue},
    )
    assert RULES[rule](state, CoachConfig()) == []  # the cue keeps 90 %, the model 100 %: margin 5 %
    loose = CoachConfig.model_validate({rule: {"margin": 0.15}})
    assert len(RULES[rule](state, loose)) == 1


def test_a_pair_is_judged_by_the_choice_between_the_two():
    """A probe that calls every picture "ball" keeps no "box" apart from a "cup", though it never
    takes one for the other: the shares come from the pair's own two probabilities."""
    labels = ["ball"] * 4 + ["box"] * 4 + ["cup"] * 4
    everything_a_ball = np.tile([0.5, 0.25, 0.25], (12, 1))
    probe = pair_separation(labels, everything_a_ball, ("ball", "box", "cup"))
    assert probe.of("box", "cup") == pytest.approx(0.5)  # a tie each time: chance
    assert probe.of("ball", "box") == pytest.approx(0.5)  # the balls are right, the boxes wrong
    state = CoachState(
        classes=("ball", "box", "cup"),
        counts=dict.fromkeys(("ball", "box", "cup"), 4),
        separation=probe,
        cues={Cue.BACKGROUND: probe},
    )
    assert RULES["background_shortcut"](state, CoachConfig()) == []


def test_classes_too_small_to_probe_are_not_judged():
    state = state_of({"apple": Scene("apple", RED), "pear": Scene("pear", GREEN)}, per_class=3)
    assert state.cues == {}
    assert RULES["colour_shortcut"](state, CoachConfig()) == []

"""The `decides_by` rule: "it decides mostly by colour", and the variations that teach it otherwise."""

from kiosk.coach import CoachConfig, CoachState, GenerateVariations, suggest
from kiosk.coach.rules import RULES
from kiosk.learning.cues import CUES, CueShares
from shared.presets import Preset

decides_by = RULES["decides_by"]
CLASSES = ("apple", "pear", "plum")


def measured(flips: dict[str, dict[str, tuple[int, int]]]) -> CueShares:
    """Shares from (flipped, probed) per cue and per answer; cues not named flipped nothing of 12."""
    by_label = {cue: flips.get(cue, {"apple": (0, 6), "pear": (0, 6)}) for cue in CUES}
    return CueShares(
        probed={cue: sum(p for _, p in counts.values()) for cue, counts in by_label.items()},
        flipped={cue: sum(f for f, _ in counts.values()) for cue, counts in by_label.items()},
        images=6,
        by_label=by_label,
    )


def state_with(cues: CueShares | None) -> CoachState:
    return CoachState(classes=CLASSES, counts=dict.fromkeys(CLASSES, 10), model_cues=cues)


def test_a_model_that_decides_by_colour_is_told_so_and_offered_new_colours_of_the_classes_it_flips():
    cues = measured(
        {"colour": {"apple": (5, 6), "pear": (4, 6), "plum": (0, 6)}, "light": {"apple": (3, 18)}}
    )
    [finding] = decides_by(state_with(cues), CoachConfig())
    assert finding.reason == (
        "The model decides mostly by colour: a new colour changed 50% of its answers. "
        "Teach it to ignore colour."
    )
    assert finding.action == GenerateVariations(Preset.NEW_COLOUR, ("apple", "pear"))
    assert finding.severity == 1.0


def test_the_strongest_teachable_cue_is_named_and_blur_has_no_remedy_to_offer():
    cues = measured(
        {"blur": {"apple": (6, 6), "pear": (6, 6)}, "background": {"apple": (2, 6), "pear": (2, 6)}}
    )
    [finding] = decides_by(state_with(cues), CoachConfig())
    assert finding.reason.startswith(
        "The model decides mostly by the background: a new background changed 33%"
    )
    assert finding.action == GenerateVariations(Preset.NEW_BACKGROUND, ("apple", "pear"))
    assert 0.6 < finding.severity < 0.7


def test_a_model_no_cue_sways_and_a_state_without_a_measurement_get_no_advice():
    assert decides_by(state_with(measured({"colour": {"apple": (3, 12)}})), CoachConfig()) == []  # 25 %
    assert decides_by(state_with(None), CoachConfig()) == []


def test_the_rule_ranks_among_the_others_by_its_weight_and_can_be_switched_off():
    cues = measured({"colour": {"apple": (6, 6), "pear": (6, 6)}})
    [advice] = [s for s in suggest(state_with(cues)) if s.rule == "decides_by"]
    assert advice.score == CoachConfig().decides_by.weight
    off = CoachConfig.model_validate({"decides_by": {"enabled": False}})
    assert [s for s in suggest(state_with(cues), off) if s.rule == "decides_by"] == []

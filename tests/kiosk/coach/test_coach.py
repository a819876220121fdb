from kiosk.coach import AddClass, CaptureSamples, CoachConfig, CoachState, Cue, GateTally, suggest
from kiosk.coach.config import ConfusedPairConfig
from kiosk.coach.state import PairSeparation
from tests.kiosk.coach.evaluations import evaluation_of

LABELS = ("apple", "pear", "plum")


def test_an_empty_class_outranks_a_confused_pair():
    evaluation = evaluation_of(
        [("apple", "apple", 6), ("apple", "pear", 6), ("pear", "pear", 6), ("pear", "apple", 6)], LABELS
    )
    state = CoachState(
        classes=LABELS,
        counts={"apple": 12, "pear": 12, "plum": 0},
        evaluation=evaluation,
        samples_since_training=0,
    )
    suggestions = suggest(state)
    assert [s.rule for s in suggestions] == ["few_samples", "confused_pair"]
    empty, confused = suggestions
    assert empty.action == CaptureSamples(("plum",), count=10)
    assert confused.action == CaptureSamples(("apple", "pear"), contrasting=True)
    assert empty.score > confused.score
    assert confused.score == CoachConfig().confused_pair.weight * 1.0  # mixed up half the time


def test_scores_are_the_rule_weight_times_severity_and_rank_across_rules():
    state = CoachState(
        classes=("apple", "pear"),
        counts={"apple": 40, "pear": 8},
        gate={"pear": GateTally(passed=1, failed=9)},
        samples_since_training=0,
    )
    suggestions = suggest(state)
    assert [(s.rule, round(s.score, 3)) for s in suggestions] == [
        ("gate_rejects", 0.45),  # 0.5 x 9/10
        ("few_samples", 0.2),  # 1.0 x 2/10
    ]


def test_a_single_class_only_gets_add_class_and_capture():
    evaluation = evaluation_of([("apple", "apple", 3)], ("apple",))
    state = CoachState(
        classes=("apple",),
        counts={"apple": 3},
        evaluation=evaluation,
        cues={Cue.COLOUR: PairSeparation(("apple",), {})},
        gate={"apple": GateTally(passed=0, failed=9)},
    )
    suggestions = suggest(state)
    assert [s.rule for s in suggestions] == ["add_class", "few_samples"]
    assert suggestions[0].action == AddClass()
    assert "besides “apple”" in suggestions[0].reason
    assert suggestions[1].action == CaptureSamples(("apple",), count=7)


def test_a_project_without_classes_is_asked_for_one():
    [only] = suggest(CoachState(classes=(), counts={}))
    assert only.action == AddClass()


def trained_pair(outcomes, per_class: int) -> CoachState:
    """Apples and pears with a current model whose out-of-fold answers were `outcomes`."""
    return CoachState(
        classes=("apple", "pear"),
        counts={"apple": per_class, "pear": per_class},
        evaluation=evaluation_of(outcomes, ("apple", "pear")),
        samples_since_training=0,
    )


def test_a_disabled_rule_stays_silent():
    state = trained_pair([("apple", "pear", 5), ("pear", "apple", 5)], per_class=10)
    assert [s.rule for s in suggest(state)] == ["confused_pair"]
    assert suggest(state, CoachConfig(confused_pair=ConfusedPairConfig(enabled=False))) == []


def test_a_finished_project_gets_no_advice():
    assert suggest(trained_pair([("apple", "apple", 12), ("pear", "pear", 12)], per_class=12)) == []

import numpy as np

from kiosk.coach import CaptureSamples, CoachConfig, CoachState, build_state
from kiosk.coach.rules import RULES
from tests.kiosk.coach.evaluations import evaluation_of

confused_pair = RULES["confused_pair"]
LABELS = ("apple", "pear", "plum")


def state_with(outcomes) -> CoachState:
    return CoachState(
        classes=LABELS, counts=dict.fromkeys(LABELS, 10), evaluation=evaluation_of(outcomes, LABELS)
    )


def test_a_pair_mixed_up_often_fires_with_both_classes():
    state = state_with(
        [
            ("apple", "apple", 7),
            ("apple", "pear", 3),
            ("pear", "pear", 8),
            ("pear", "apple", 2),
            ("plum", "plum", 10),
        ]
    )
    [finding] = confused_pair(state, CoachConfig())
    assert finding.action == CaptureSamples(("apple", "pear"), contrasting=True)
    assert finding.severity == (5 / 20) / 0.5
    assert "“apple” and “pear” (5 of 20 pictures)" in finding.reason


def test_a_single_mistake_or_a_rare_one_does_not_fire():
    one = state_with(
        [("apple", "apple", 9), ("apple", "pear", 1), ("pear", "pear", 10), ("plum", "plum", 10)]
    )
    assert confused_pair(one, CoachConfig()) == []
    rare = CoachState(
        classes=LABELS,
        counts=dict.fromkeys(LABELS, 40),
        evaluation=evaluation_of(
            [("apple", "apple", 38), ("apple", "plum", 2), ("pear", "pear", 40), ("plum", "plum", 40)], LABELS
        ),
    )
    assert confused_pair(rare, CoachConfig()) == []


def test_no_evaluation_no_finding():
    assert confused_pair(CoachState(classes=LABELS, counts=dict.fromkeys(LABELS, 10)), CoachConfig()) == []


def test_out_of_fold_answers_of_a_real_fit_find_the_overlapping_pair():
    # Synthetic features: apple and pear share one cluster, plum has its own.
    rng = np.random.default_rng(3)
    centres = {"apple": 0, "pear": 0, "plum": 1}
    labels = [name for name in LABELS for _ in range(12)]
    features = np.stack([np.eye(8)[centres[name]] + rng.normal(0, 0.3, 8) for name in labels])
    images = [np.full((8, 8, 3), 128, dtype=np.uint8)] * len(labels)
    state = build_state(LABELS, images, labels, features=features)
    findings = confused_pair(state, CoachConfig())
    assert [finding.action.labels for finding in findings] == [("apple", "pear")]

import pytest

from kiosk.coach import CoachState, GateTally
from kiosk.coach.state import pair_mix
from tests.kiosk.coach.evaluations import evaluation_of


def test_pair_mix_counts_mistakes_between_the_two_only():
    evaluation = evaluation_of(
        [
            ("apple", "apple", 5),
            ("apple", "pear", 2),
            ("apple", "plum", 3),
            ("pear", "apple", 1),
            ("pear", "pear", 4),
        ],
        ("apple", "pear", "plum"),
    )
    assert pair_mix(evaluation, "apple", "pear") == (3, 15)
    assert pair_mix(evaluation, "pear", "plum") is None  # no plum was scored
    assert pair_mix(evaluation, "apple", "fig") is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"classes": ("a", "a"), "counts": {}}, "unique"),
        ({"classes": ("a",), "counts": {"b": 1}}, "does not have"),
        ({"classes": ("a",), "counts": {}, "gate": {"b": GateTally()}}, "does not have"),
        ({"classes": ("a",), "counts": {"a": -1}}, "negative"),
        ({"classes": ("a",), "counts": {}, "samples_since_training": -2}, "negative"),
    ],
)
def test_inconsistent_states_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        CoachState(**kwargs)


def test_negative_gate_counts_are_refused():
    with pytest.raises(ValueError, match="negative"):
        GateTally(passed=-1)

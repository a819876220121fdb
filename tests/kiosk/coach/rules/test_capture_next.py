"""What to capture next: the class whose held-out pictures the model doubted most, named with the
class it took them for, from margins given directly and from a real cross-validated fit."""

import numpy as np

from kiosk.coach import CaptureSamples, CoachConfig, CoachState, build_state
from kiosk.coach.config import CaptureNextConfig
from kiosk.coach.rules import RULES
from kiosk.coach.state import Margin

capture_next = RULES["capture_next"]
LABELS = ("apple", "pear", "plum")


def state_with(*margins: tuple[str, float, str, int]) -> CoachState:
    """Ten pictures a class; (label, margin, rival, count) sets some of their margins, the rest are sure."""
    given = [Margin(label, margin, rival) for label, margin, rival, count in margins for _ in range(count)]
    sure = [
        Margin(label, 0.9, LABELS[(LABELS.index(label) + 1) % 3])
        for label in LABELS
        for _ in range(10 - sum(count for own, *_, count in margins if own == label))
    ]
    return CoachState(classes=LABELS, counts=dict.fromkeys(LABELS, 10), margins=(*given, *sure))


def test_the_most_doubted_class_is_named_with_what_it_was_taken_for():
    state = state_with(("pear", -0.2, "apple", 2), ("pear", 0.1, "apple", 1), ("pear", 0.1, "plum", 1))
    [finding] = capture_next(state, CoachConfig())
    assert finding.action == CaptureSamples(("pear",), count=4)
    assert finding.reason == (
        "The model mixes up “pear” and “apple” most: take 4 more photos of pear from new angles."
    )
    assert abs(finding.severity - (4 / 10) / 0.5) < 1e-9


def test_close_calls_without_a_mistake_say_the_model_is_unsure():
    state = state_with(("plum", 0.05, "pear", 3), ("apple", 0.2, "pear", 2))
    [finding] = capture_next(state, CoachConfig())
    assert finding.action == CaptureSamples(("plum",), count=3)
    assert "least sure of “plum”" in finding.reason and "like “pear”" in finding.reason
    assert "mixes up" not in finding.reason


def test_a_tie_goes_to_the_class_shown_first_and_the_rival_likewise():
    state = state_with(("pear", 0.1, "plum", 2), ("pear", 0.1, "apple", 2), ("plum", 0.1, "apple", 4))
    [finding] = capture_next(state, CoachConfig())
    assert finding.action.labels == ("pear",)
    assert "like “apple”" in finding.reason  # apple and plum came as close as often: apple is first


def test_one_doubt_or_none_is_no_finding():
    assert capture_next(state_with(("pear", -0.5, "apple", 1)), CoachConfig()) == []
    assert capture_next(state_with(("pear", 0.3, "apple", 5)), CoachConfig()) == [], "the margin is exclusive"
    assert capture_next(CoachState(classes=LABELS, counts=dict.fromkeys(LABELS, 10)), CoachConfig()) == []


def test_the_photos_asked_for_are_capped_and_the_margin_configurable():
    state = state_with(("apple", 0.1, "pear", 10))
    [finding] = capture_next(state, CoachConfig(capture_next=CaptureNextConfig(max_photos=6)))
    assert finding.action == CaptureSamples(("apple",), count=6) and finding.severity == 1.0
    assert capture_next(state, CoachConfig(capture_next=CaptureNextConfig(margin=0.05))) == []


def test_a_real_fit_names_a_class_of_the_overlapping_pair_and_its_partner():
    # Synthetic features: apple and pear share one cluster, plum has its own.
    rng = np.random.default_rng(3)
    centres = {"apple": 0, "pear": 0, "plum": 1}
    labels = [name for name in LABELS for _ in range(12)]
    features = np.stack([np.eye(8)[centres[name]] + rng.normal(0, 0.3, 8) for name in labels])
    images = [np.full((8, 8, 3), 128, dtype=np.uint8)] * len(labels)
    state = build_state(LABELS, images, labels, features=features)
    assert len(state.margins) == len(labels)
    assert all(m.rival != m.label for m in state.margins)
    plums = [m.margin for m in state.margins if m.label == "plum"]
    assert np.median(plums) > 0.3, plums  # plum stands apart: the model is mostly sure of it
    [finding] = capture_next(state, CoachConfig())
    [named] = finding.action.labels
    other = {"apple": "pear", "pear": "apple"}[named]
    assert f"“{named}” and “{other}”" in finding.reason

from kiosk.coach import CaptureSamples, CoachConfig, CoachState
from kiosk.coach.config import FewSamplesConfig
from kiosk.coach.rules import RULES

few_samples = RULES["few_samples"]


def test_an_empty_class_is_the_most_severe_finding():
    state = CoachState(classes=("apple", "pear"), counts={"apple": 12, "pear": 0})
    [finding] = few_samples(state, CoachConfig())
    assert finding.severity == 1.0
    assert finding.action == CaptureSamples(("pear",), count=10)
    assert "“pear” has no pictures" in finding.reason


def test_a_class_under_the_minimum_asks_for_what_is_missing():
    state = CoachState(classes=("apple", "pear"), counts={"apple": 3, "pear": 10})
    [finding] = few_samples(state, CoachConfig())
    assert finding.action == CaptureSamples(("apple",), count=7)
    assert finding.severity == 0.7
    assert "Only 3 pictures of “apple”" in finding.reason


def test_classes_with_enough_samples_get_nothing():
    state = CoachState(classes=("apple", "pear"), counts={"apple": 10, "pear": 25})
    assert few_samples(state, CoachConfig()) == []


def test_the_minimum_is_configurable():
    state = CoachState(classes=("apple", "pear"), counts={"apple": 10, "pear": 25})
    config = CoachConfig(few_samples=FewSamplesConfig(min_samples=20))
    [finding] = few_samples(state, config)
    assert finding.action == CaptureSamples(("apple",), count=10)

from kiosk.coach import CaptureSamples, CoachConfig, CoachState
from kiosk.coach.config import FewSamplesConfig, UnbalancedConfig
from kiosk.coach.rules import RULES

unbalanced = RULES["unbalanced"]


def state_of(**counts: int) -> CoachState:
    return CoachState(classes=tuple(counts), counts=counts)


def test_a_class_far_smaller_than_the_largest_fires():
    [finding] = unbalanced(state_of(apple=40, pear=10, plum=30), CoachConfig())
    assert finding.action == CaptureSamples(("pear",), count=4)  # 40 / 3 rounds up to 14
    assert finding.severity == 1.0 - 3 * 10 / 40
    assert "40 pictures of “apple” but only 10 of “pear”" in finding.reason


def test_classes_within_the_ratio_do_not_fire():
    assert unbalanced(state_of(apple=30, pear=10), CoachConfig()) == []


def test_the_ratio_is_configurable():
    config = CoachConfig(unbalanced=UnbalancedConfig(max_ratio=2.0))
    [finding] = unbalanced(state_of(apple=30, pear=10), config)
    assert finding.action == CaptureSamples(("pear",), count=5)


def test_a_class_under_the_minimum_is_left_to_the_few_samples_rule():
    assert unbalanced(state_of(apple=40, pear=5), CoachConfig()) == []
    config = CoachConfig(few_samples=FewSamplesConfig(enabled=False))
    [finding] = unbalanced(state_of(apple=40, pear=5), config)
    assert finding.action.labels == ("pear",)


def test_empty_classes_are_never_called_unbalanced():
    config = CoachConfig(few_samples=FewSamplesConfig(enabled=False))
    assert unbalanced(state_of(apple=0, pear=0), config) == []
    assert unbalanced(state_of(apple=40, pear=0), config) == []

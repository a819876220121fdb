from kiosk.coach import CoachConfig, CoachState, GateTally, ReviewGenerated
from kiosk.coach.config import GateRejectsConfig
from kiosk.coach.rules import RULES

gate_rejects = RULES["gate_rejects"]


def state_with(gate: dict[str, GateTally]) -> CoachState:
    return CoachState(classes=("apple", "pear"), counts={"apple": 10, "pear": 10}, gate=gate)


def test_a_class_whose_generated_images_mostly_failed_asks_for_a_review():
    [finding] = gate_rejects(
        state_with({"pear": GateTally(passed=2, failed=6), "apple": GateTally(8, 0)}), CoachConfig()
    )
    assert finding.action == ReviewGenerated(("pear",))
    assert finding.severity == 6 / 8
    assert "6 of 8 generated pictures of “pear”" in finding.reason


def test_a_few_failures_among_many_passes_do_not_fire():
    assert gate_rejects(state_with({"pear": GateTally(passed=20, failed=3)}), CoachConfig()) == []


def test_fewer_failures_than_the_minimum_do_not_fire():
    assert gate_rejects(state_with({"pear": GateTally(passed=0, failed=2)}), CoachConfig()) == []
    config = CoachConfig(gate_rejects=GateRejectsConfig(min_failed=2))
    assert len(gate_rejects(state_with({"pear": GateTally(passed=0, failed=2)}), config)) == 1

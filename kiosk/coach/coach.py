"""Running the rules: every enabled rule over the state, scored and ranked."""

from __future__ import annotations

from kiosk.coach.config import CoachConfig
from kiosk.coach.rules import RULES
from kiosk.coach.state import CoachState
from kiosk.coach.suggestion import Suggestion

WITHOUT_A_PAIR = ("add_class", "few_samples")
"""The only rules that make sense before a project has two classes."""


def suggest(state: CoachState, config: CoachConfig | None = None) -> list[Suggestion]:
    """Ranked suggestions, most useful first (ties broken by rule id, then reason, so stable)."""
    config = config or CoachConfig()
    rule_ids = RULES if len(state.classes) >= 2 else WITHOUT_A_PAIR
    suggestions = []
    for rule_id in rule_ids:
        settings = config.section(rule_id)
        if not settings.enabled:
            continue
        for finding in RULES[rule_id](state, config):
            severity = min(1.0, max(0.0, finding.severity))
            if severity > 0:
                suggestions.append(
                    Suggestion(rule_id, settings.weight * severity, finding.reason, finding.action)
                )
    return sorted(suggestions, key=lambda s: (-s.score, s.rule, s.reason))

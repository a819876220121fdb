"""Running the rules: every enabled rule over the state, scored and ranked."""

from __future__ import annotations

from collections.abc import Collection

from kiosk.coach.config import CoachConfig
from kiosk.coach.rules import RULES
from kiosk.coach.state import CoachState
from kiosk.coach.suggestion import Suggestion

WITHOUT_A_PAIR = ("add_class", "few_samples", "one_class")
"""The only rules that make sense before a project has two classes."""
NAMING = ("one_class", "something_else", "overlapping_names")
"""The rules about the class names alone: the Classes step asks for them (`rules=NAMING`), and the
other steps leave them out, their advice being about the photos and the model; a name the visitor
chose to keep should not follow them through every step."""


def suggest(
    state: CoachState, config: CoachConfig | None = None, rules: Collection[str] | None = None
) -> list[Suggestion]:
    """Ranked suggestions, most useful first (ties broken by rule id, then reason, so stable), from
    `rules` (ids; default: every rule but the `NAMING` ones)."""
    config = config or CoachConfig()
    rule_ids = [rule for rule in RULES if rule not in NAMING] if rules is None else list(rules)
    if len(state.classes) < 2:
        rule_ids = [rule for rule in rule_ids if rule in WITHOUT_A_PAIR]
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

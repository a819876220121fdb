"""The rule registry: rule id -> function, like the GPU worker's backend registry keyed by type.

A rule is a pure function of the state and the coach's config returning `Finding`s; the coach adds
the rule id and turns severity into a score with the rule's configured weight, so no rule needs to
know how it ranks against the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kiosk.coach.config import CoachConfig
from kiosk.coach.state import CoachState
from kiosk.coach.suggestion import Action


@dataclass(frozen=True)
class Finding:
    severity: float
    """How bad it is, in (0, 1]: 1 for an empty class, a perfect shortcut, a pair always mixed up."""
    reason: str
    action: Action


Rule = Callable[[CoachState, CoachConfig], list[Finding]]

RULES: dict[str, Rule] = {}
"""Every rule, by id. The id is also the name of the rule's section in `CoachConfig`."""


def register(rule_id: str) -> Callable[[Rule], Rule]:
    def add(rule: Rule) -> Rule:
        if rule_id in RULES:
            raise ValueError(f"a coach rule called {rule_id!r} is already registered")
        RULES[rule_id] = rule
        return rule

    return add

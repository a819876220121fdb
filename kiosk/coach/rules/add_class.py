"""Fewer than two classes: the only advice that makes sense before anything can be learned."""

from __future__ import annotations

from kiosk.coach.config import CoachConfig
from kiosk.coach.rules.registry import Finding, register
from kiosk.coach.state import CoachState
from kiosk.coach.suggestion import AddClass


@register("add_class")
def add_class(state: CoachState, config: CoachConfig) -> list[Finding]:
    if len(state.classes) >= 2:
        return []
    besides = f" besides “{state.classes[0]}”" if state.classes else ""
    reason = f"A model learns by telling things apart, so it needs two classes: add one{besides}."
    return [Finding(1.0, reason, AddClass())]

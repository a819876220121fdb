"""Classes much larger than others: the model leans towards the class it has seen most."""

from __future__ import annotations

import math

from kiosk.coach.config import CoachConfig
from kiosk.coach.rules.registry import Finding, register
from kiosk.coach.state import CoachState
from kiosk.coach.suggestion import CaptureSamples


@register("unbalanced")
def unbalanced(state: CoachState, config: CoachConfig) -> list[Finding]:
    ratio = config.unbalanced.max_ratio
    # A class under the few-samples minimum already gets a "capture more" from that rule.
    floor = config.few_samples.min_samples if config.few_samples.enabled else 1
    largest_name = max(state.classes, key=state.count, default=None)
    if largest_name is None:
        return []
    largest = state.count(largest_name)
    findings = []
    for name in state.classes:
        have = state.count(name)
        if have < floor or have * ratio >= largest:
            continue
        missing = math.ceil(largest / ratio) - have
        reason = (
            f"{largest} pictures of “{largest_name}” but only {have} of “{name}”: the model will lean "
            f"towards “{largest_name}”. Take about {missing} more of {name}."
        )
        findings.append(Finding(1.0 - ratio * have / largest, reason, CaptureSamples((name,), count=missing)))
    return findings

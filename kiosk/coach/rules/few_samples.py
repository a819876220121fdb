"""Classes with too few real pictures: the first thing to fix, since every other rule needs data."""

from __future__ import annotations

from kiosk.coach.config import CoachConfig
from kiosk.coach.rules.registry import Finding, register
from kiosk.coach.state import CoachState
from kiosk.coach.suggestion import CaptureSamples


@register("few_samples")
def few_samples(state: CoachState, config: CoachConfig) -> list[Finding]:
    enough = config.few_samples.min_samples
    findings = []
    for name in state.classes:
        have = state.count(name)
        if have >= enough:
            continue
        if have == 0:
            reason = f"“{name}” has no pictures yet. Show the camera a few examples of {name}."
        else:
            reason = (
                f"Only {have} picture{'s' if have > 1 else ''} of “{name}”. About {enough}, in different "
                f"positions and light, teach the model what {name} looks like."
            )
        findings.append(
            Finding((enough - have) / enough, reason, CaptureSamples((name,), count=enough - have))
        )
    return findings

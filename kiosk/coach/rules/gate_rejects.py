"""Generated images the quality gate refused: the preset may not suit this class."""

from __future__ import annotations

from kiosk.coach.config import CoachConfig
from kiosk.coach.rules.registry import Finding, register
from kiosk.coach.state import CoachState
from kiosk.coach.suggestion import ReviewGenerated


@register("gate_rejects")
def gate_rejects(state: CoachState, config: CoachConfig) -> list[Finding]:
    settings = config.gate_rejects
    findings = []
    for name in state.classes:
        tally = state.gate.get(name)
        if tally is None:
            continue
        total = tally.passed + tally.failed
        if tally.failed < settings.min_failed or tally.failed / total < settings.min_failed_share:
            continue
        reason = (
            f"{tally.failed} of {total} generated pictures of “{name}” were not used: too unlike your "
            f"photos of {name}, or too like another class. Try another kind."
        )
        findings.append(Finding(tally.failed / total, reason, ReviewGenerated((name,))))
    return findings

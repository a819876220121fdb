"""Pairs the model mixes up, from its out-of-fold answers on real pictures."""

from __future__ import annotations

from itertools import combinations

from kiosk.coach.config import CoachConfig
from kiosk.coach.rules.registry import Finding, register
from kiosk.coach.state import CoachState, pair_mix
from kiosk.coach.suggestion import CaptureSamples

COIN_TOSS = 0.5
"""A pair mixed up this often is not told apart at all: the severity is full there."""


@register("confused_pair")
def confused_pair(state: CoachState, config: CoachConfig) -> list[Finding]:
    settings = config.confused_pair
    if state.evaluation is None:
        return []
    known = [label for label in state.evaluation.labels if label in state.classes]
    findings = []
    for first, second in combinations(known, 2):
        mix = pair_mix(state.evaluation, first, second)
        if mix is None:
            continue
        mixed, total = mix
        if mixed < settings.min_count or mixed / total < settings.min_rate:
            continue
        reason = (
            f"The model mixes up “{first}” and “{second}” ({mixed} of {total} pictures). Show it more "
            f"of both, where you can see what makes them different."
        )
        severity = min(1.0, mixed / total / COIN_TOSS)
        findings.append(Finding(severity, reason, CaptureSamples((first, second), contrasting=True)))
    return findings

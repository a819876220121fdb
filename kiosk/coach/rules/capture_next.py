"""What to photograph next: the class whose pictures the model doubted most, and what it took them for.

Counts say which class is small; the model's own doubts say which class it does not understand yet.
The state holds every real picture's out-of-fold margin (its own class's probability minus the
strongest other class's, `CoachState.margins`): a picture within `margin` of losing, or lost, is one
the model doubted. The class with the most doubted pictures is the one to photograph next, one new
photo per doubted one, "from new angles" because more of the same view would not settle the doubt;
the class it was most often nearly taken for is named, so the visitor knows what to show it apart
from. Labels where the model hesitates teach it most (uncertainty sampling: bench/active_learning.py).
"""

from __future__ import annotations

from collections import Counter

from kiosk.coach.config import CoachConfig
from kiosk.coach.rules.registry import Finding, register
from kiosk.coach.state import CoachState
from kiosk.coach.suggestion import CaptureSamples

COIN_TOSS = 0.5
"""Half of a class's pictures doubted: the model cannot tell it apart at all, severity is full there."""


@register("capture_next")
def capture_next(state: CoachState, config: CoachConfig) -> list[Finding]:
    settings = config.capture_next
    doubted = [m for m in state.margins if m.label in state.classes and m.margin < settings.margin]
    per_class = Counter(m.label for m in doubted)
    # Most doubted pictures first; ties go to the class shown first in the project.
    name = max(state.classes, key=lambda label: per_class[label], default=None)
    if name is None or per_class[name] < settings.min_doubted:
        return []
    own = [m for m in doubted if m.label == name]
    rivals = Counter(m.rival for m in own)
    rival = max((label for label in state.classes if label in rivals), key=lambda label: rivals[label])
    photos = min(len(own), settings.max_photos)
    take = f"take {photos} more photo{'s' * (photos != 1)} of {name} from new angles."
    if any(m.margin < 0 for m in own if m.rival == rival):
        reason = f"The model mixes up “{name}” and “{rival}” most: {take}"
    else:
        reason = f"The model is least sure of “{name}”, which looks a bit like “{rival}” to it: {take}"
    pictures = sum(m.label == name for m in state.margins)
    severity = min(1.0, len(own) / pictures / COIN_TOSS)
    return [Finding(severity, reason, CaptureSamples((name,), count=photos))]

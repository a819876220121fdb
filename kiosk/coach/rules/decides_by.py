"""What the model decides by: a cue a person can name that changes most of its answers.

The shortcut rules (`shortcut.py`) ask whether colour *could* tell the classes apart; this one asks
the model itself. After training, the coach changes the visitor's own photos the way the classic
engine can (a new colour, a new background, another angle, other light, a blur) and counts the
answers that change (`kiosk/learning/cues.py`). When one cue changes more than `min_share` of
them, the kiosk says "it decides mostly by colour" and offers the remedy: the same change as
variations of the classes whose answers flipped, made, gated and trained on through the Expand
step. Blur has no preset to teach with, so it is reported by `teachbooth explain` only.
"""

from __future__ import annotations

from kiosk.coach.config import CoachConfig
from kiosk.coach.rules.registry import Finding, register
from kiosk.coach.state import CoachState
from kiosk.coach.suggestion import GenerateVariations
from kiosk.learning.cues import PROBES

FULL_SHARE = 0.5
"""A cue that changes half the answers (what a coin would) is as bad as it gets: severity 1."""


@register("decides_by")
def decides_by(state: CoachState, config: CoachConfig) -> list[Finding]:
    cues = state.model_cues
    if cues is None:
        return []
    settings = config.decides_by
    teachable = {  # cue -> (share, the preset that teaches the model to ignore it)
        cue: (share, PROBES[cue].preset)
        for cue, share in cues.share.items()
        if share is not None and share > settings.min_share and PROBES[cue].preset is not None
    }
    if not teachable:
        return []
    cue = max(teachable, key=lambda name: teachable[name][0])
    (share, preset), probe = teachable[cue], PROBES[cue]
    flipped = set(cues.labels_flipped(cue, settings.min_share))
    labels = tuple(name for name in state.classes if name in flipped) or state.classes
    reason = (
        f"The model decides mostly by {probe.noun}: {probe.change_words} changed {share:.0%} of its "
        f"answers. Teach it to ignore {probe.noun}."
    )
    return [Finding(min(1.0, share / FULL_SHARE), reason, GenerateVariations(preset, labels))]

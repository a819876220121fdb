"""Shortcuts: classes that colour alone, or the background alone, tells apart as well as the model.

The apple / pear trap of docs/architecture.md#research: with only red apples and green pears, "red" is the
easiest rule that fits, and the model learns it. A classifier trained (same trainer, same folds)
on the colour histogram alone measures how much of the task colour explains; where it keeps a pair
apart about as well as the real model does, nothing shows that the model learned more than colour,
and variations with a new colour (or a new background) are the remedy the generator offers.
"""

from __future__ import annotations

from itertools import combinations
from typing import NamedTuple

from kiosk.coach.config import CoachConfig, ShortcutConfig
from kiosk.coach.rules.registry import Finding, register
from kiosk.coach.state import CoachState, Cue
from kiosk.coach.suggestion import GenerateVariations
from shared.presets import Preset


class _Wording(NamedTuple):
    what: str
    risk: str
    remedy: str


_WORDING = {
    Cue.COLOUR: _Wording("Colour alone", "the model may have learned colour, not shape", "Try new colours."),
    Cue.BACKGROUND: _Wording(
        "The background alone", "the model may be using it, not the objects", "Try new backgrounds."
    ),
}


def _pairs_words(found: list[tuple[str, str, float]]) -> str:
    """The strongest pair by name and how many more: the whole reason must fit the coach's panel."""
    first, second, _ = found[0]
    more = len(found) - 1
    return f"“{first}” and “{second}”" + (f" (and {more} more pair{'s' if more > 1 else ''})" if more else "")


def _shortcut(state: CoachState, settings: ShortcutConfig, cue: Cue, preset: Preset) -> list[Finding]:
    by_cue, by_model = state.cues.get(cue), state.separation
    if by_cue is None or by_model is None:
        return []
    found = []  # (first, second, separation by the cue)
    # In the project's class order, the order the visitor sees the classes in.
    probed = [name for name in state.classes if name in by_cue.labels]
    for first, second in combinations(probed, 2):
        cue_separation, model_separation = by_cue.of(first, second), by_model.of(first, second)
        if cue_separation is None or model_separation is None:
            continue
        if cue_separation >= settings.min_separation and cue_separation >= model_separation - settings.margin:
            found.append((first, second, cue_separation))
    if not found:
        return []
    found.sort(key=lambda pair: -pair[2])
    involved = {name for first, second, _ in found for name in (first, second)}
    labels = tuple(name for name in probed if name in involved)
    wording = _WORDING[cue]
    reason = f"{wording.what} tells {_pairs_words(found)} apart: {wording.risk}. {wording.remedy}"
    # Chance separates a pair half the time: severity runs from there to a perfect shortcut.
    severity = (found[0][2] - 0.5) / 0.5
    return [Finding(severity, reason, GenerateVariations(preset, labels))]


@register("colour_shortcut")
def colour_shortcut(state: CoachState, config: CoachConfig) -> list[Finding]:
    return _shortcut(state, config.colour_shortcut, Cue.COLOUR, Preset.NEW_COLOUR)


@register("background_shortcut")
def background_shortcut(state: CoachState, config: CoachConfig) -> list[Finding]:
    return _shortcut(state, config.background_shortcut, Cue.BACKGROUND, Preset.NEW_BACKGROUND)

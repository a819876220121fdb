"""A model that is missing or trained on older data than the kiosk now holds."""

from __future__ import annotations

from kiosk.coach.config import CoachConfig
from kiosk.coach.rules.registry import Finding, register
from kiosk.coach.state import CoachState
from kiosk.coach.suggestion import Retrain


@register("retrain")
def retrain(state: CoachState, config: CoachConfig) -> list[Finding]:
    new = state.samples_since_training
    if new is None:
        enough = config.few_samples.min_samples
        if all(state.count(name) >= enough for name in state.classes):
            return [Finding(1.0, "Every class has enough pictures: train the model and try it.", Retrain())]
        return []
    wanted = config.retrain.min_new_samples
    if new < wanted:
        return []
    reason = f"{new} new pictures since the model was last trained: train it again to use them."
    return [Finding(min(1.0, new / (2 * wanted)), reason, Retrain())]

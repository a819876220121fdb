"""One project's facts, written out by hand, for the assistant's tests: two classes, a trained model
that mixes them up, goes by colour and is behind its photos. Every number an answer may quote is
here, so a test can say which sentence it expects."""

from __future__ import annotations

from kiosk.assistant.facts import ProjectFacts, facts_of
from kiosk.coach.state import CoachState
from kiosk.coach.suggestion import CaptureSamples, Suggestion
from kiosk.learning.cues import CUES, CueShares

ADVICE = Suggestion(
    "capture_next",
    0.7,
    "The model mixes up box and ball most: take 5 more photos of box.",
    CaptureSamples(("box",), 5),
)
REPORT = {  # a training report's evaluation (`Evaluation.as_json`): 13 of 16 held-out photos right
    "count": 16,
    "accuracy": 13 / 16,
    "labels": ["ball", "box"],
    "per_class": {"ball": 11 / 12, "box": 2 / 4},
    "confusion": [[11, 1], [2, 2]],
    "misclassified": [],
}
CUE_SHARES = CueShares(  # a new colour changed 5 of 8 answers (62 %), nothing else changed any
    probed=dict.fromkeys(CUES, 8), flipped=dict.fromkeys(CUES, 0) | {"colour": 5}, images=4
)
STATE = CoachState(
    classes=("ball", "box"), counts={"ball": 12, "box": 4}, samples_since_training=3, model_cues=CUE_SHARES
)


def trained_facts(said: str | None = None) -> ProjectFacts:
    return facts_of(STATE, [ADVICE], {"evaluation": REPORT}, said)


def untrained_facts() -> ProjectFacts:
    return facts_of(CoachState(classes=("ball", "box"), counts={"ball": 2, "box": 0}), [], None)

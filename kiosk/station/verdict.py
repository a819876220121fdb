"""From what the model said about a part to the verdict a station publishes.

`judgement_of` is the one place a model's prediction becomes verdict fields, from the kiosk's answer
(`kiosk/live/prediction.py`, the Try step's): a classifier's label, probabilities, and the open-set
rule's "unknown"/"unsure"; an anomaly model's label "good" or "anomaly" and its `anomaly_score`
(no probabilities, no `score`: it knows one class, so a share between classes would mean nothing).
The verdict, the CSV log and the wire message carry the fields unchanged. They mirror
`teachbooth predict --json`: a rejected part has label None and a reason, and still its
probabilities.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from kiosk.live.prediction import Answer
from shared.protocol.station import StationReason, StationVerdict


@dataclass(frozen=True)
class Judgement:
    """What the model said about one part, whatever kind of model it is."""

    label: str | None
    score: float | None
    """The most likely class's probability (the label's, when it stands)."""
    probabilities: dict[str, float] = field(default_factory=dict)
    reason: StationReason | None = None
    candidates: tuple[str, ...] = ()
    anomaly_score: float | None = None


NOT_SETTLED = Judgement(label=None, score=None, reason="not_settled")
"""A part that left without ever holding still: it was seen, never judged."""


def judgement_of(answer: Answer) -> Judgement:
    """The model's answer on a settled part's crop: a classifier's with its open-set rejection if any,
    an anomaly model's with its score."""
    if answer.unusual is not None:
        return Judgement(answer.unusual.label, None, anomaly_score=answer.unusual.score)
    label, score = answer.best
    probabilities = dict(zip(answer.labels, answer.probabilities, strict=True))
    if answer.rejection is None:
        return Judgement(label, score, probabilities)
    candidates = answer.rejection.candidates if answer.rejection.reason == "unsure" else ()
    return Judgement(None, score, probabilities, answer.rejection.reason, tuple(candidates))


def make_verdict(
    station_id: str,
    sequence: int,
    part: int,
    judgement: Judgement,
    at: datetime,
    heat_map: str | None = None,
) -> StationVerdict:
    return StationVerdict(
        station_id=station_id,
        sequence=sequence,
        part=part,
        label=judgement.label,
        score=judgement.score,
        probabilities=judgement.probabilities,
        reason=judgement.reason,
        candidates=list(judgement.candidates),
        anomaly_score=judgement.anomaly_score,
        heat_map=heat_map,
        at=at,
    )


def describe(verdict: StationVerdict) -> str:
    """One line per verdict for the station's output: `#12 part 4: ball (97 %)`, or from an anomaly
    model `#12 part 4: anomaly (anomaly score 0.41)`."""
    head = f"#{verdict.sequence} part {verdict.part}:"
    if verdict.anomaly_score is not None:
        return f"{head} {verdict.label} (anomaly score {verdict.anomaly_score:.2f})"
    if verdict.label is not None:
        return f"{head} {verdict.label} ({verdict.score:.0%})"
    if verdict.reason == "unsure":
        return f"{head} not sure, {' or '.join(verdict.candidates)}? ({verdict.score:.0%})"
    if verdict.reason == "unknown":
        return f"{head} unknown, like nothing it was taught ({verdict.score:.0%})"
    return f"{head} not judged, it never held still"

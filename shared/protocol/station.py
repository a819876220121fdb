"""Messages of an inspection station (`teachbooth station`), for PLCs and dashboards (docs/protocol.md).

A station watches a camera and publishes one verdict per part shown to it. Its readers are not
TeachBooth peers but Node-RED flows, Home Assistant and PLC gateways, so timestamps are ISO 8601
(what those tools parse) rather than the Unix seconds of the kiosk/worker messages, and the models
are not in `MESSAGE_TYPES`: nothing in TeachBooth receives them through `decode`. They are still
wire models (strict, versioned, `v` = `PROTOCOL_VERSION`), so a typo in the station is an error
there and not a surprise in a dashboard.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, StringConstraints

from shared.protocol import limits
from shared.protocol.messages import Id, WireModel

Label = Annotated[str, StringConstraints(min_length=1, max_length=limits.MAX_LABEL_CHARS)]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
StationReason = Literal["unknown", "unsure", "not_settled"]
"""Why a verdict has no label: the model's open-set rule turned the part away ("unknown": unlike
everything it was taught; "unsure": too close a call), or the part never held still long enough to
be judged ("not_settled")."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class StationVerdict(WireModel):
    """One part's verdict, published once per part on `station/{station}/verdicts` (QoS 1, not retained)."""

    type: Literal["station_verdict"] = "station_verdict"
    station_id: Id
    sequence: int = Field(
        ge=1,
        description="Counts this station's verdicts from 1, across restarts: a jump means verdicts a "
        "reader missed, a repeat is the same verdict delivered twice (at-least-once delivery).",
    )
    part: int = Field(ge=1, description="Parts shown since this run of the station started, from 1.")
    label: Label | None = Field(
        description="The class the model sees ('good' or 'anomaly' from an anomaly model); None when "
        "`reason` says why not."
    )
    score: Probability | None = Field(
        description="The probability of the most likely class (of `label` when there is one); None when "
        "the part was not judged, and from an anomaly model (its `anomaly_score` instead)."
    )
    probabilities: dict[Label, Probability] = Field(
        default={}, description="Every class's probability; empty when the part was not judged."
    )
    reason: StationReason | None = Field(default=None, description="Why `label` is None.")
    candidates: list[Label] = Field(
        default=[], max_length=2, description="The two most likely classes when the reason is 'unsure'."
    )
    anomaly_score: float | None = Field(
        default=None,
        allow_inf_nan=False,
        description="How unusual the part is, from an anomaly model: its least familiar patch's distance "
        "to the good parts' (label 'anomaly' above the model's threshold); None from a classifier.",
    )
    heat_map: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_./-]{1,200}$")] | None = Field(
        default=None,
        description="Where the picture of what mattered to the verdict was saved, relative to the "
        "station's state folder; None when the station makes none.",
    )
    at: AwareDatetime = Field(default_factory=utc_now, description="When the verdict was taken.")


class StationStatus(WireModel):
    """Retained on `station/{station}/status`; the Last Will turns it `offline`."""

    type: Literal["station_status"] = "station_status"
    station_id: Id
    state: Literal["online", "offline"]
    version: Annotated[str, StringConstraints(max_length=32)]
    at: AwareDatetime = Field(default_factory=utc_now)

"""Settings of an inspection station: one strict model, so a typo on the command line is an error."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kiosk.camera import parse_spec
from shared.mqtt import BrokerUrl
from shared.protocol.messages import Id


class StationSettings(BaseModel):
    """What `teachbooth station` watches, which model judges, where verdicts go, when a part counts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    camera: str = Field(
        title="Camera",
        description="picamera2[:N] | opencv:N | replay:PATH[?fps=F&loop=0], as for the kiosk. A replay "
        "with loop=0 ends the station after its last frame.",
    )
    model: Path = Field(
        title="Model folder",
        description="A model written by `teachbooth train --out` (or a project's model version): its "
        "labels, classifier, open-set rule and the backbone it needs.",
    )
    broker: str | None = Field(
        None,
        title="Broker URL",
        description="mqtt:// or mqtts:// URL the verdicts go to; None: the CSV log only.",
    )
    station_id: Id = Field(
        title="Station id",
        description="Names the station's topics (teachbooth/v2/station/ID/...) and is its MQTT client id.",
    )
    state_dir: Path = Field(
        title="State folder",
        description="Holds the CSV log (verdicts.csv), the outbox and sequence counter (outbox.sqlite) and "
        "the heat maps (heatmaps/).",
    )
    settle_frames: int = Field(
        8,
        ge=2,
        le=300,
        title="Frames to settle",
        description="Frames in a row the part's mask must hold still before it is judged (8: about half "
        "a second at 15 frames/s).",
    )
    settle_iou: float = Field(
        0.9,
        gt=0,
        le=1,
        title="Stillness",
        description="How much (intersection over union) each frame's mask must overlap the previous "
        "one's to count as still. A hand-held part wobbles at about 0.92 frame to frame.",
    )
    leave_frames: int = Field(
        5,
        ge=1,
        le=300,
        title="Frames to leave",
        description="Frames in a row without an object before a part counts as gone and the station "
        "waits for the next one; a shorter gap does not split a part in two.",
    )
    heat_maps: bool = Field(
        False,
        title="Heat maps",
        description="Save, per verdict, the part's crop with what mattered to the answer painted over "
        "(occlusion saliency: about 50 backbone runs, a second or more on a Pi).",
    )

    @field_validator("camera")
    @classmethod
    def _camera_spec(cls, value: str) -> str:
        parse_spec(value)
        return value

    @field_validator("broker")
    @classmethod
    def _broker_url(cls, value: str | None) -> str | None:
        if value is not None:
            BrokerUrl.parse(value)
        return value

    @property
    def log_path(self) -> Path:
        return self.state_dir / "verdicts.csv"

    @property
    def outbox_path(self) -> Path:
        return self.state_dir / "outbox.sqlite"

    @property
    def heat_map_dir(self) -> Path:
        return self.state_dir / "heatmaps"

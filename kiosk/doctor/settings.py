"""What `teachbooth doctor` checks against: the kiosk's camera, broker, data folder and limits."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from kiosk.store.locations import default_project


def default_data_dir() -> Path:
    """The folder of the project `teachbooth kiosk` opens by default: where its samples will go."""
    return default_project().parent


class DoctorSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    camera: str = Field(
        default="picamera2",
        title="Camera",
        description="Camera spec the kiosk uses (picamera2[:N], opencv[:N], replay:PATH).",
    )
    broker: str | None = Field(
        default=None,
        title="Broker URL",
        description="mqtt[s]://user:password@host:port the kiosk connects with; None: the kiosk runs "
        "offline, so the broker and worker checks only warn. Checked by the broker check, not here, so a "
        "bad URL is a finding like any other.",
    )
    backbone: Path | None = Field(
        default=None,
        title="Backbone model",
        description="The .tflite feature extractor to load; None: the one shipped in kiosk/models.",
    )
    data_dir: Path = Field(
        default_factory=default_data_dir,
        title="Data folder",
        description="Where projects and the outbox live; its file system's free space is checked.",
    )
    min_free_mb: int = Field(
        default=500,
        ge=1,
        title="Least free space (MB)",
        description="Less free space than this fails (a capture session writes tens of MB); less than "
        "four times this warns.",
    )
    timeout_s: float = Field(
        default=5.0,
        gt=0,
        le=120,
        title="Timeout (s)",
        description="How long the camera may take to give a frame and the broker to answer.",
    )
    worker_wait_s: float = Field(
        default=1.0,
        gt=0,
        le=60,
        title="Worker status wait (s)",
        description="How long to wait for a retained worker status after subscribing; retained "
        "messages arrive at once, so this only bounds the wait when no worker ever announced itself.",
    )
    min_columns: int = Field(
        default=80, ge=1, title="Least columns", description="Narrowest terminal the kiosk app lays out."
    )
    min_lines: int = Field(
        default=24, ge=1, title="Least lines", description="Shortest terminal the kiosk app lays out."
    )
    system_root: Path = Field(
        default=Path("/"),
        title="System root",
        description="Where /proc and /sys are read from (the Pi model, the SoC temperature).",
    )

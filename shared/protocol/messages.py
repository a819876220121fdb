"""Versioned message models of the TeachBooth wire protocol (docs/protocol.md).

Models are strict (no type coercion, unknown fields rejected) because the
worker is reachable by every kiosk on a public network: a message either
matches the schema exactly or is turned away with a reason. Image bytes are
fields of type ``bytes``; `shared.protocol.codec` carries them outside the
JSON so they travel raw, never base64.
"""

from __future__ import annotations

import time
import unicodedata
from enum import StrEnum
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from shared.presets import Preset
from shared.protocol import limits

PROTOCOL_VERSION = 2
"""The wire version: in every message (`v`), every frame and the topic root (`teachbooth/v2`). 2 put the
backend in the job topic (capability routing); a v1 peer and a v2 peer never see each other's messages."""

Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
BackendName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,32}$")]
Timestamp = Annotated[float, Field(ge=0, description="Unix time in seconds (UTC).")]

_JPEG_MAGIC = b"\xff\xd8\xff"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


_UNPRINTABLE = {
    "Cc": "a control character",
    "Co": "a private-use character",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
}
"""Unicode categories that act on the text around them or have no agreed glyph (a lone surrogate, Cs,
never gets this far: pydantic refuses it as a string that is not valid Unicode)."""

_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Bidi embeddings, overrides and isolates: they reorder what a screen or a log shows (Trojan Source)."""


def _printable_text(value: str, what: str) -> str:
    """Labels and prompts end up in file names, logs and screens: only characters drawn as text.

    C1 controls count as much as C0 ones (U+0085 breaks a log line, U+009B starts a terminal escape),
    and so do the characters in `_UNPRINTABLE` and `_BIDI_CONTROLS`. The error names the first one, so
    a sender can see what to remove.
    """
    for position, ch in enumerate(value):
        kind = _UNPRINTABLE.get(unicodedata.category(ch))
        if kind is None and ch in _BIDI_CONTROLS:
            kind = "a bidi control"
        if kind is not None:
            raise ValueError(f"{what} contains {kind} (U+{ord(ch):04X}) at position {position}")
    if not value.strip():
        raise ValueError(f"{what} is blank")
    return value


def _image_bytes(value: bytes, what: str) -> bytes:
    if not (value.startswith(_JPEG_MAGIC) or value.startswith(_PNG_MAGIC)):
        raise ValueError(f"{what} is neither a JPEG nor a PNG")
    return value


class FailureCode(StrEnum):
    """Why a job failed; kiosks branch on these, people read the message beside it."""

    INVALID_JOB = "invalid_job"
    TOO_LARGE = "too_large"
    BAD_IMAGE = "bad_image"
    UNSUPPORTED_BACKEND = "unsupported_backend"
    UNSUPPORTED_PRESET = "unsupported_preset"
    PROMPT_REJECTED = "prompt_rejected"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    BUSY = "busy"
    OUT_OF_MEMORY = "out_of_memory"
    BACKEND_ERROR = "backend_error"


class WireModel(BaseModel):
    """Base of every message: strict, immutable, versioned."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)

    BLOB_FIELDS: ClassVar[tuple[str, ...]] = ()
    """Fields holding raw bytes, sent outside the JSON header in this order."""

    v: Literal[2] = Field(default=PROTOCOL_VERSION, description="Protocol version.")


class GenerationJob(WireModel):
    """A kiosk asks for `num_images` variations of one sample."""

    BLOB_FIELDS: ClassVar[tuple[str, ...]] = ("image", "mask")

    type: Literal["job"] = "job"
    job_id: Id = Field(description="Chosen by the kiosk; results are idempotent by it.")
    kiosk_id: Id = Field(description="Must match the kiosk id in the topic.")
    label: Annotated[str, StringConstraints(min_length=1, max_length=limits.MAX_LABEL_CHARS)] = Field(
        description="Class label of the sample, used to fill prompts."
    )
    backend: BackendName = Field(default="classic", description="Backend that should run the job.")
    preset: Preset | None = Field(default=None, strict=False, description="Named intent; or give a prompt.")
    prompt: Annotated[str, StringConstraints(max_length=limits.MAX_PROMPT_CHARS)] | None = Field(
        default=None, description="Free text for backends that take text."
    )
    change: float = Field(ge=0.0, le=1.0, description="How much to change, 0 (nothing) to 1 (a lot).")
    num_images: int = Field(ge=1, le=limits.MAX_IMAGES_PER_JOB, description="How many images to return.")
    seed: int = Field(ge=0, le=2**32 - 1, description="Makes the result reproducible.")
    created_at: Timestamp = Field(description="When the kiosk created the job.")
    deadline: Timestamp = Field(description="After this the job is worthless and is dropped.")
    image: bytes = Field(max_length=limits.MAX_SOURCE_IMAGE_BYTES, description="Source sample, JPEG or PNG.")
    mask: bytes | None = Field(
        default=None, max_length=limits.MAX_MASK_BYTES, description="Object mask, PNG, same size as image."
    )

    @field_validator("label")
    @classmethod
    def _label_text(cls, value: str) -> str:
        return _printable_text(value, "label")

    @field_validator("prompt")
    @classmethod
    def _prompt_text(cls, value: str | None) -> str | None:
        return None if value is None else _printable_text(value, "prompt")

    @field_validator("image")
    @classmethod
    def _image_format(cls, value: bytes) -> bytes:
        return _image_bytes(value, "image")

    @field_validator("mask")
    @classmethod
    def _mask_format(cls, value: bytes | None) -> bytes | None:
        if value is not None and not value.startswith(_PNG_MAGIC):
            raise ValueError("mask is not a PNG")
        return value

    @model_validator(mode="after")
    def _has_intent(self) -> GenerationJob:
        if self.preset is None and self.prompt is None:
            raise ValueError("a job needs a preset or a prompt")
        return self

    def expired(self, now: float | None = None) -> bool:
        return (time.time() if now is None else now) >= self.deadline


class JobCancel(WireModel):
    """A kiosk withdraws a job it sent; whichever worker holds it drops it or stops it at the next step."""

    type: Literal["cancel"] = "cancel"
    job_id: Id
    kiosk_id: Id = Field(description="Must match the kiosk id in the topic.")


class ImageRecipe(WireModel):
    """How a generated image was made, stored with it so every image can be explained."""

    backend: BackendName
    preset: Preset | None = Field(default=None, strict=False)
    prompt: str | None = Field(
        default=None,
        max_length=limits.MAX_RECIPE_PROMPT_CHARS,
        description="The prompt the model was given (preset and label filled in), or the job's text.",
    )
    negative_prompt: str | None = Field(default=None, max_length=limits.MAX_RECIPE_PROMPT_CHARS)
    change: float = Field(ge=0.0, le=1.0)
    seed: int = Field(ge=0, le=2**32 - 1)
    index: int = Field(ge=0, lt=limits.MAX_IMAGES_PER_JOB)
    whole_image: bool = Field(description="True when no mask was given and the whole frame was changed.")
    operations: list[Annotated[str, StringConstraints(max_length=120)]] = Field(default=[], max_length=32)
    model: str | None = Field(default=None, max_length=200, description="Model id or path, for diffusion.")


class _JobEvent(WireModel):
    job_id: Id
    worker_id: Id
    at: Timestamp = Field(default_factory=time.time)


class JobAccepted(_JobEvent):
    type: Literal["accepted"] = "accepted"
    queue_position: int = Field(ge=0, le=1_000_000, description="Jobs ahead of this one on the worker.")


class JobProgress(_JobEvent):
    type: Literal["progress"] = "progress"
    step: int = Field(ge=0)
    total: int = Field(ge=1, le=10_000)

    @model_validator(mode="after")
    def _step_within_total(self) -> JobProgress:
        if self.step > self.total:
            raise ValueError("progress step is past the total")
        return self


class JobImage(_JobEvent):
    """One generated image; a job's images arrive as separate messages to keep each small.

    `mask` (wire version 2) is the object's mask in the generated image, so the kiosk stores
    the picture like a photo: it crops and trains alike and can be varied again. It travels
    like the image (a raw blob) as a PNG of the image's size, which shared/masks.py writes and
    checks on reading; None when the worker cannot know where the object is (img2img redraws
    the whole frame, and the kiosk masks such pictures itself).
    """

    BLOB_FIELDS: ClassVar[tuple[str, ...]] = ("image", "mask")

    type: Literal["image"] = "image"
    index: int = Field(ge=0, lt=limits.MAX_IMAGES_PER_JOB)
    total: int = Field(ge=1, le=limits.MAX_IMAGES_PER_JOB)
    recipe: ImageRecipe
    image: bytes = Field(max_length=limits.MAX_RESULT_IMAGE_BYTES)
    mask: bytes | None = Field(
        default=None,
        max_length=limits.MAX_MASK_BYTES,
        description="The object's mask in `image`, PNG of the same size; None when unknown. Checked where "
        "it is used, not here: a bad mask must not cost the kiosk the picture it came with.",
    )

    @field_validator("image")
    @classmethod
    def _image_format(cls, value: bytes) -> bytes:
        return _image_bytes(value, "image")

    @model_validator(mode="after")
    def _index_within_total(self) -> JobImage:
        if self.index >= self.total:
            raise ValueError("image index is past the total")
        return self


class JobDone(_JobEvent):
    type: Literal["done"] = "done"
    num_images: int = Field(ge=0, le=limits.MAX_IMAGES_PER_JOB)
    elapsed_s: float = Field(ge=0.0)
    withheld: int = Field(
        default=0, ge=0, le=limits.MAX_IMAGES_PER_JOB, description="Images the safety checker held back."
    )
    peak_gpu_mb: float | None = Field(
        default=None, ge=0.0, description="Peak accelerator memory while the job ran; None on a CPU."
    )


class JobFailed(_JobEvent):
    type: Literal["failed"] = "failed"
    code: FailureCode = Field(strict=False)
    message: Annotated[str, StringConstraints(max_length=limits.MAX_MESSAGE_CHARS)]


JobEvent = JobAccepted | JobProgress | JobImage | JobDone | JobFailed
TERMINAL_EVENTS = (JobDone, JobFailed)


class WorkerStatus(WireModel):
    """Retained on the worker's status topic; the Last Will turns it `offline`."""

    type: Literal["worker_status"] = "worker_status"
    worker_id: Id
    state: Literal["online", "offline"]
    backends: list[BackendName] = Field(default=[], max_length=32)
    queue_depth: int = Field(default=0, ge=0, le=1_000_000)
    version: Annotated[str, StringConstraints(max_length=32)]
    online_since: Timestamp | None = Field(
        default=None,
        description="When the worker's current broker session began: a new value means it (re)connected, "
        "and may have missed jobs sent while it was away.",
    )
    at: Timestamp = Field(default_factory=time.time)


class KioskStatus(WireModel):
    """Retained on the kiosk's status topic, so operators see which kiosks are up."""

    type: Literal["kiosk_status"] = "kiosk_status"
    kiosk_id: Id
    state: Literal["online", "offline"]
    outbox_depth: int = Field(default=0, ge=0, le=1_000_000)
    version: Annotated[str, StringConstraints(max_length=32)]
    at: Timestamp = Field(default_factory=time.time)


Message = (
    GenerationJob
    | JobCancel
    | JobAccepted
    | JobProgress
    | JobImage
    | JobDone
    | JobFailed
    | WorkerStatus
    | KioskStatus
)
MESSAGE_TYPES: dict[str, type[WireModel]] = {
    model.model_fields["type"].default: model
    for model in (
        GenerationJob,
        JobCancel,
        JobAccepted,
        JobProgress,
        JobImage,
        JobDone,
        JobFailed,
        WorkerStatus,
        KioskStatus,
    )
}

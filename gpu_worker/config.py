"""The worker's configuration: one strict model, filled from the CLI or a file.

Unknown keys are errors (a typo in a deployed config must not silently fall
back to a default), and every field says what it is for.

The worker's own settings are declared here; each backend's section (`img2img`,
`inpaint`, ...) comes from the backend module that reads it, found by the
registry (gpu_worker/backends/registry.py), as Frigate builds its detector
config from its plugins. So a new backend module brings its section with it.
"""

from __future__ import annotations

import re
import socket
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_validator

from gpu_worker.backends import backend_types
from gpu_worker.safety.image_checker import SafetyCheckerSettings
from shared.mqtt import BrokerUrl
from shared.protocol import topics
from shared.safety import PromptFilter, WordFile, default_words, extra_words, read_word_file


def default_worker_id() -> str:
    """A stable id from the host name, so a restarted worker keeps its status topic."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]", "-", socket.gethostname())[:50] or "worker"
    return f"worker-{cleaned}"


class PromptFilterSettings(BaseModel):
    """Which words a public exhibit refuses in prompts and labels; on by default: exhibits are public."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(
        default=True,
        title="Filter prompts",
        description="Refuse jobs whose prompt or label spells a blocked word (`prompt_rejected`).",
    )
    default_words: bool = Field(
        default=True,
        title="Use the default list",
        description="Block the built-in short list (violence, sexual content, slurs, drugs).",
    )
    extra_words: tuple[str, ...] = Field(
        default=(),
        title="Extra blocked words",
        description="Single words blocked on top of the lists; disguised spellings are caught too.",
    )
    word_file: WordFile | None = Field(
        default=None,
        title="Word-list file",
        description="UTF-8 file of blocked words, one per line, `#` starts a comment.",
    )

    @field_validator("extra_words")
    @classmethod
    def _single_words(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        extra_words(value)
        return value

    def build(self) -> PromptFilter | None:
        """The filter these settings describe, or None when filtering is off; reads the word file."""
        if not self.enabled:
            return None
        words = default_words() if self.default_words else []
        if self.word_file is not None:
            words += read_word_file(self.word_file)
        return PromptFilter(words + extra_words(self.extra_words))


class WorkerSettings(BaseModel):
    """What every worker is configured with, whichever backends it serves; WorkerConfig adds theirs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    broker: str = Field(
        title="Broker URL",
        description="mqtt://[user:password@]host[:port] or mqtts://...; TLS files as ?ca=&cert=&key=.",
    )
    worker_id: str = Field(
        default_factory=default_worker_id,
        title="Worker id",
        description="Names this worker's status topic and MQTT client; unique per worker.",
        pattern=r"^[A-Za-z0-9_-]{1,64}$",
    )
    backends: tuple[str, ...] = Field(
        default=("classic",),
        title="Backends",
        description="Backends to load and keep warm; jobs for others are refused.",
        min_length=1,
    )
    shared_group: str = Field(
        default=topics.DEFAULT_SHARED_GROUP,
        title="Shared subscription group prefix",
        description="Workers with one prefix split each backend's jobs between those serving it: each "
        "backend is a group of its own, `<prefix>-<backend>` (MQTT 5 brokers only; docs/protocol.md).",
        pattern=r"^[A-Za-z0-9_-]{1,64}$",
    )
    queue_limit: int = Field(
        default=32,
        ge=1,
        title="Queue limit",
        description="Jobs waiting beyond this are refused with a `busy` failure.",
    )
    per_kiosk_limit: int | None = Field(
        default=None,
        ge=1,
        title="Per-kiosk queue limit",
        description="Waiting jobs one kiosk may hold before its next is refused with `busy`, so one "
        "flooding kiosk leaves room for the others. Default: half the queue limit (at least 1); at most "
        "the queue limit.",
    )
    max_batch_images: int = Field(
        default=8,
        ge=1,
        le=64,
        title="Images per GPU pass",
        description="Compatible queued jobs (same backend, change and image size) run as one batch of at "
        "most this many images, which raises a GPU's throughput; 1 runs every job alone.",
    )
    working_size: int = Field(
        default=1024,
        ge=64,
        le=4096,
        title="Working size",
        description="Source images are downscaled to this many pixels on their longest side.",
    )
    result_cache_mb: int = Field(
        default=256,
        ge=0,
        title="Result cache (MB)",
        description="Finished results kept to answer a repeated job id without generating again.",
    )
    prompt_filter: PromptFilterSettings = Field(
        default_factory=PromptFilterSettings,
        title="Prompt filter",
        description="Blocked words for public exhibits, checked before a job is queued.",
    )

    safety_checker: SafetyCheckerSettings | None = Field(
        default=None,
        title="Image safety checker",
        description="Run the diffusers safety checker on every image and withhold those it flags; off "
        "unless its weights are configured.",
    )

    @field_validator("broker")
    @classmethod
    def _valid_url(cls, value: str) -> str:
        BrokerUrl.parse(value)
        return value

    @field_validator("backends")
    @classmethod
    def _known_backends(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        known = backend_types()
        unknown = [name for name in value if name not in known]
        if unknown:
            raise ValueError(f"unknown backend {unknown[0]!r}; known: {', '.join(known)}")
        return tuple(dict.fromkeys(value))

    @model_validator(mode="after")
    def _settings_for_served_backends(self) -> WorkerSettings:
        for name in self.backends:
            settings = backend_types()[name].settings
            if settings is not None and getattr(self, name, None) is None:
                raise ValueError(settings.missing(name))
        return self

    @model_validator(mode="after")
    def _share_within_queue(self) -> WorkerSettings:
        if self.per_kiosk_limit is not None and self.per_kiosk_limit > self.queue_limit:
            raise ValueError(
                f"per_kiosk_limit ({self.per_kiosk_limit}) cannot exceed queue_limit ({self.queue_limit})"
            )
        return self


def _backend_sections() -> dict[str, Any]:
    """A field per backend with settings, named after it: optional, required once the backend is served."""
    sections: dict[str, Any] = {}
    for name, backend in backend_types().items():
        if backend.settings is None:
            continue
        if name in WorkerSettings.model_fields:
            raise TypeError(f"backend {name!r} is named like a worker setting; its section would replace it")
        settings = backend.settings
        sections[name] = (
            settings.model | None,
            Field(default=None, title=settings.title, description=settings.description),
        )
    return sections


WorkerConfig = create_model(
    "WorkerConfig",
    __base__=WorkerSettings,
    __doc__="The worker's settings and a section for each backend that has settings of its own.",
    __module__=__name__,
    **_backend_sections(),
)

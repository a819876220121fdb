"""What a generation backend is, seen from the worker service.

A backend turns one validated request into images and reports each step so
the service can stream progress and stop a job that has expired (the step
callback raises). Backends never see MQTT or the wire format.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from PIL import Image

from shared.presets import Preset

if TYPE_CHECKING:
    from gpu_worker.config import WorkerConfig

StepCallback = Callable[[int, int], None]
"""Called with (step, total) as work advances; may raise to stop the job."""


@dataclass(frozen=True)
class GenerationRequest:
    """A job after validation: decoded images at working size, nothing wire-specific."""

    image: Image.Image
    mask: Image.Image | None
    label: str
    preset: Preset | None
    prompt: str | None
    change: float
    seed: int
    num_images: int


@dataclass(frozen=True)
class GeneratedImage:
    """One result and how it was made (the rest of its recipe comes from the request)."""

    index: int
    image: Image.Image
    whole_image: bool
    operations: tuple[str, ...] = ()
    model: str | None = None


class UnsupportedRequest(ValueError):
    """The backend cannot do what the job asks (e.g. a prompt for the classic engine)."""


class Backend(ABC):
    """A way of making variations; one instance is kept warm for the worker's life."""

    name: ClassVar[str]

    @classmethod
    def from_config(cls, config: WorkerConfig | None) -> Backend:
        """The backend as the worker's configuration asks for it; backends without settings ignore it."""
        return cls()

    @abstractmethod
    def generate(self, request: GenerationRequest, on_step: StepCallback) -> Iterator[GeneratedImage]:
        """Yield `request.num_images` images, calling `on_step` as work progresses."""

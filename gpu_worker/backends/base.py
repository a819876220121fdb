"""What a generation backend is, seen from the worker service.

A backend turns validated requests into images and reports each step so the
service can stream progress and stop a job that has expired or was cancelled
(the step callback raises). Backends never see MQTT or the wire format.

Batching: one GPU pass over several jobs' images costs little more than over
one job's, so jobs whose requests share a `batch_key` may be handed to
`generate_batch` together. The service decides what to group; the backend says
what is compatible (same denoising schedule and image size, for diffusion).

Declaration (docs/architecture.md, Frigate's detector plugins as the model): a
backend module says `BACKEND_KEY = "<name>"` and defines one concrete Backend
subclass whose `name` is that key and whose `settings` names the section of
the worker's configuration it reads (None: it reads none). The registry
(registry.py) finds the module, and the worker's configuration, its command
line and its status take the backend from there: adding a backend is adding
one module. Backend modules stay light to import (torch and diffusers inside
methods), because the configuration imports every one of them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar

from PIL import Image
from pydantic import BaseModel

from shared.presets import Preset

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
    prompt: str | None = None
    """The prompt the model was given (preset and label filled in), when the backend uses text."""
    negative_prompt: str | None = None
    mask: Image.Image | None = None
    """The object's mask in `image` (mode "L", 0/255, the image's size), so the kiosk stores the picture
    like a photo; None when the backend cannot know where the object is (a whole frame redrawn)."""


@dataclass(frozen=True)
class CommandOption:
    """One field of a backend's settings that `teachbooth worker` takes as `--<backend>-<field>`."""

    field: str
    help: str
    metavar: str | None = None
    flag: bool = False
    """A switch (`store_true`): given, it sets the field to true; absent, the field keeps its value."""

    def flag_name(self, backend: str) -> str:
        return f"--{backend}-{self.field.replace('_', '-')}"


@dataclass(frozen=True)
class BackendSettings:
    """The section of the worker's configuration a backend reads: a key named after the backend.

    A served backend needs its section (a diffusion backend cannot run without a model), so the
    configuration refuses a served backend without one, in the words of `needs` and the first option.
    """

    model: type[BaseModel]
    title: str
    description: str
    needs: str
    """What the section gives, for the refusal: "the inpaint backend needs a model"."""
    options: tuple[CommandOption, ...]
    """The command-line options for the section's fields, the one that gives what it `needs` first."""

    def missing(self, backend: str) -> str:
        """Why a served `backend` without its section cannot start, and how to give it."""
        first = self.options[0]
        hint = " ".join(filter(None, (first.flag_name(backend), first.metavar)))
        return f"the {backend} backend needs {self.needs}: set {backend} ({hint})"


class UnsupportedRequest(ValueError):
    """The backend cannot do what the job asks (e.g. a prompt for the classic engine)."""


class OutOfMemory(RuntimeError):
    """The accelerator ran out of memory even for one image at a time: this job cannot run here.

    Raised only after the backend has retried at smaller batches, so the worker
    fails this job alone and goes on with the next.
    """


class Backend(ABC):
    """A way of making variations; one instance is kept warm for the worker's life."""

    name: ClassVar[str]
    settings: ClassVar[BackendSettings | None] = None
    """The worker-configuration section this backend reads; None when it has no settings."""

    @classmethod
    def from_config(cls, config: BaseModel | None) -> Backend:
        """The backend as the worker's configuration asks for it: its section, found by its name.

        ValueError (BackendSettings.missing) when the backend has settings and the configuration none.
        """
        if cls.settings is None:
            return cls.from_settings(None)
        section = getattr(config, cls.name, None)
        if section is None:
            raise ValueError(cls.settings.missing(cls.name))
        return cls.from_settings(section)

    @classmethod
    def from_settings(cls, settings: BaseModel | None) -> Backend:
        """The backend built from its section (None for backends without settings)."""
        return cls()

    @abstractmethod
    def generate(self, request: GenerationRequest, on_step: StepCallback) -> Iterator[GeneratedImage]:
        """Yield `request.num_images` images, calling `on_step` as work progresses."""

    def batch_key(self, request: GenerationRequest) -> Hashable | None:
        """Requests with equal keys can run as one batch; None (the default) never batches."""
        return None

    def generate_batch(
        self, requests: Sequence[GenerationRequest], on_step: StepCallback
    ) -> Iterator[tuple[int, GeneratedImage]]:
        """Yield (position in `requests`, image) for every image of every request.

        The default runs the requests one after another; backends that gain
        from batching override it to run compatible requests as one pass.
        """
        for position, request in enumerate(requests):
            for image in self.generate(request, on_step):
                yield position, image

    def reset_peak_memory(self) -> None:
        """Start a new peak-memory measurement (backends on an accelerator override this)."""
        return None

    def peak_memory_mb(self) -> float | None:
        """Peak accelerator memory since `reset_peak_memory`, or None when not on an accelerator."""
        return None

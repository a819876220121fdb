"""Backend registry, keyed by the `backend` name a job carries.

Entries are import paths, not classes, so that listing or choosing backends
never imports torch: a diffusion backend is imported only when a worker is
started with it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from gpu_worker.backends.base import (
    Backend,
    GeneratedImage,
    GenerationRequest,
    OutOfMemory,
    StepCallback,
    UnsupportedRequest,
)

if TYPE_CHECKING:
    from gpu_worker.config import WorkerConfig

BACKENDS: dict[str, str] = {
    "classic": "gpu_worker.backends.classic:ClassicBackend",
    "img2img": "gpu_worker.backends.img2img:Img2ImgBackend",
    "inpaint": "gpu_worker.backends.inpaint:InpaintBackend",
    "instruct": "gpu_worker.backends.instruct:InstructBackend",
}


def create_backend(name: str, config: WorkerConfig | None = None) -> Backend:
    """Instantiate a registered backend with its settings from `config`; KeyError names the known ones."""
    try:
        target = BACKENDS[name]
    except KeyError:
        raise KeyError(f"unknown backend {name!r}; known: {', '.join(sorted(BACKENDS))}") from None
    module_name, class_name = target.split(":")
    backend_class: type[Backend] = getattr(importlib.import_module(module_name), class_name)
    return backend_class.from_config(config)


__all__ = [
    "BACKENDS",
    "Backend",
    "GeneratedImage",
    "GenerationRequest",
    "OutOfMemory",
    "StepCallback",
    "UnsupportedRequest",
    "create_backend",
]

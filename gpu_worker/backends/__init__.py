"""Backend registry, keyed by the `backend` name a job carries.

Entries are import paths, not classes, so that listing or choosing backends
never imports torch: a diffusion backend is imported only when a worker is
started with it.
"""

from __future__ import annotations

import importlib

from gpu_worker.backends.base import (
    Backend,
    GeneratedImage,
    GenerationRequest,
    StepCallback,
    UnsupportedRequest,
)

BACKENDS: dict[str, str] = {
    "classic": "gpu_worker.backends.classic:ClassicBackend",
}


def create_backend(name: str) -> Backend:
    """Instantiate a registered backend; raises KeyError naming the known ones."""
    try:
        target = BACKENDS[name]
    except KeyError:
        raise KeyError(f"unknown backend {name!r}; known: {', '.join(sorted(BACKENDS))}") from None
    module_name, class_name = target.split(":")
    backend_class: type[Backend] = getattr(importlib.import_module(module_name), class_name)
    return backend_class()


__all__ = [
    "BACKENDS",
    "Backend",
    "GeneratedImage",
    "GenerationRequest",
    "StepCallback",
    "UnsupportedRequest",
    "create_backend",
]

"""Generation backends, keyed by the `backend` name a job carries.

Each backend is one module of this package that declares its key and its
settings (base.py); registry.py finds them. Choosing or listing backends
imports no torch: the diffusion backends import it when a model is loaded.
"""

from __future__ import annotations

from gpu_worker.backends.base import (
    Backend,
    BackendSettings,
    CommandOption,
    GeneratedImage,
    GenerationRequest,
    OutOfMemory,
    StepCallback,
    UnsupportedRequest,
)
from gpu_worker.backends.registry import backend_types, create_backend

__all__ = [
    "Backend",
    "BackendSettings",
    "CommandOption",
    "GeneratedImage",
    "GenerationRequest",
    "OutOfMemory",
    "StepCallback",
    "UnsupportedRequest",
    "backend_types",
    "create_backend",
]

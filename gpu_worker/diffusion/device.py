"""Which torch device a model runs on, for the diffusers pipelines and the safety checker alike.

Kept apart from `loading.py` so that the safety checker, whose settings the worker's configuration
imports, can name it at the top of its module: torch is imported here only when a device is chosen,
which happens when a model is loaded, never when the worker's configuration is read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch


class DeviceUnavailable(RuntimeError):
    """The configured device is not there (CUDA asked for, torch sees no GPU)."""


def resolve_device(requested: str) -> torch.device:
    """`auto` means the GPU when there is one; `cuda` without one is an error, not a silent CPU run."""
    import torch

    if requested == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if requested == "cuda" and not torch.cuda.is_available():
        raise DeviceUnavailable(f"device 'cuda' configured, but torch {torch.__version__} sees no CUDA GPU")
    return torch.device(requested)

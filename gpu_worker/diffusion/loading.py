"""Load a diffusers pipeline once, set up for speed on the machine it runs on.

A backend loads its pipeline when the worker starts and keeps it warm, so the
cost of loading and tuning is paid once. On CUDA the weights are fp16 (half the
memory traffic; Stable Diffusion is trained to tolerate it), on the CPU fp32
(fp16 is slow or unsupported there). Attention goes through PyTorch's fused
scaled-dot-product kernel, and the UNet and VAE use channels-last memory, which
the GPU's convolution kernels prefer. A wrong model is refused here, with the
reason, rather than failing with a tensor-shape error on the first visitor's job.

torch and diffusers are imported by `load_pipeline`, not at the top: the diffusion
backends import this module, and the worker's configuration imports every backend.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gpu_worker.diffusion.device import resolve_device
from gpu_worker.diffusion.settings import DiffusionModelSettings

if TYPE_CHECKING:
    import torch
    from diffusers import DiffusionPipeline


class ModelUnavailable(ValueError):
    """The configured model cannot be loaded as the pipeline a backend needs; says why."""


@dataclass(frozen=True)
class LoadedPipeline:
    """A ready pipeline and the facts a recipe and a benchmark report about it."""

    pipeline: DiffusionPipeline
    model: str
    device: torch.device
    dtype: torch.dtype
    compiled: bool
    load_seconds: float


def _looks_like_a_path(model: str) -> bool:
    """Model ids are `owner/name`; anything rooted, relative or home-based is meant as a folder."""
    return model.startswith(("/", "./", "../", "~")) or Path(model).expanduser().exists()


def _from_pretrained(
    pipeline_class: type[DiffusionPipeline], model: str, dtype: torch.dtype
) -> DiffusionPipeline:
    folder = Path(model).expanduser()
    is_folder = _looks_like_a_path(model)
    if is_folder and not folder.is_dir():
        raise ModelUnavailable(f"model folder {model!r} does not exist or is not a folder")
    if is_folder and not (folder / "model_index.json").is_file():
        raise ModelUnavailable(f"model folder {model!r} is not a diffusers pipeline: no model_index.json")
    try:
        # safetensors only: a pickled .bin checkpoint can run code when it is loaded.
        return pipeline_class.from_pretrained(
            str(folder) if is_folder else model, dtype=dtype, use_safetensors=True, local_files_only=is_folder
        )
    except (OSError, ValueError) as error:
        # Offline (HF_HUB_OFFLINE=1), an id that is not in the local cache lands here too.
        raise ModelUnavailable(f"cannot load {model!r} as {pipeline_class.__name__}: {error}") from error


def _check_unet_inputs(pipeline: DiffusionPipeline, model: str, unet_in_channels: int) -> None:
    """The UNet's input channels tell the checkpoint families apart (inpainting 9, pix2pix 8, plain 4)."""
    found = pipeline.unet.config.in_channels
    if found != unet_in_channels:
        raise ModelUnavailable(
            f"model {model!r} has a {found}-channel UNet; {type(pipeline).__name__} needs "
            f"{unet_in_channels} channels (is it a checkpoint for another backend?)"
        )


def load_pipeline(
    pipeline_class: type[DiffusionPipeline], settings: DiffusionModelSettings, unet_in_channels: int
) -> LoadedPipeline:
    """Load `settings.model` as `pipeline_class`, placed on its device and tuned; raises ModelUnavailable."""
    import torch
    from diffusers.models.attention_processor import AttnProcessor2_0

    device = resolve_device(settings.device)
    dtype = torch.float16 if device.type == "cuda" else torch.float32
    started = time.perf_counter()
    pipeline = _from_pretrained(pipeline_class, settings.model, dtype)
    _check_unet_inputs(pipeline, settings.model, unet_in_channels)
    # The worker reports progress itself, one event per step.
    pipeline.set_progress_bar_config(disable=True)
    for module in (pipeline.unet, pipeline.vae):
        module.set_attn_processor(AttnProcessor2_0())
        module.to(memory_format=torch.channels_last)
    pipeline.to(device)
    if settings.compile:
        # In place, so the pipeline still sees a UNet2DConditionModel (its config, its dtype).
        pipeline.unet.compile()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return LoadedPipeline(
        pipeline=pipeline,
        model=settings.model,
        device=device,
        dtype=dtype,
        compiled=settings.compile,
        load_seconds=time.perf_counter() - started,
    )

"""The diffusers safety checker, run on every generated image before it leaves the worker.

Prompts are filtered before a job is queued (prompt_filter.py), but a harmless
prompt can still produce an image no museum wants on its screen. Stable
Diffusion's safety checker (a CLIP image tower compared with embeddings of
unsafe concepts) catches most of those. It is optional because its weights are
a separate download that no machine here has: when configured, an image it
flags is withheld (never sent, never stored) and the `done` event counts it, so
the kiosk can say "1 image was held back" instead of showing a black square.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from gpu_worker.diffusion.device import resolve_device

if TYPE_CHECKING:
    from PIL import Image


class SafetyCheckerSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str = Field(
        min_length=1,
        title="Safety checker",
        description=(
            "Folder of the diffusers safety checker: config.json, model.safetensors and "
            "preprocessor_config.json together (as CompVis/stable-diffusion-safety-checker ships them), or "
            "a Stable Diffusion folder with safety_checker/ and feature_extractor/. Nothing is downloaded."
        ),
    )
    device: Literal["auto", "cuda", "cpu"] = Field(
        default="auto",
        title="Device",
        description="Where the checker runs: `auto` takes the GPU when torch sees one, else the CPU.",
    )


class SafetyCheckerUnavailable(ValueError):
    """The configured checker cannot be loaded; says why (the worker refuses to start without it)."""


class ImageSafetyChecker:
    """Says, per image, whether it shows an unsafe concept. Loaded once, kept warm."""

    def __init__(self, settings: SafetyCheckerSettings) -> None:
        import torch
        from diffusers.pipelines.stable_diffusion.safety_checker import StableDiffusionSafetyChecker
        from transformers import CLIPImageProcessorPil

        folder = Path(settings.model).expanduser()
        if not folder.is_dir():
            raise SafetyCheckerUnavailable(f"the safety checker folder {settings.model} does not exist")
        checker_folder, processor_folder = folder, folder
        if (folder / "safety_checker").is_dir():
            checker_folder, processor_folder = folder / "safety_checker", folder / "feature_extractor"
        self._device = resolve_device(settings.device)
        self._dtype = torch.float16 if self._device.type == "cuda" else torch.float32
        try:
            self._processor = CLIPImageProcessorPil.from_pretrained(processor_folder)
            checker = StableDiffusionSafetyChecker.from_pretrained(
                checker_folder, torch_dtype=self._dtype, use_safetensors=True
            )
        except Exception as exc:  # missing files, bad JSON, a corrupt safetensors header alike
            raise SafetyCheckerUnavailable(
                f"cannot load the safety checker from {settings.model}: {str(exc).splitlines()[0]}"
            ) from None
        self._checker = checker.to(self._device).eval()

    def flagged(self, images: Sequence[Image.Image]) -> list[bool]:
        """One verdict per image, True for an image to withhold."""
        import numpy as np
        import torch

        if not images:
            return []
        pixels = self._processor(images=list(images), return_tensors="pt").pixel_values
        arrays = [np.asarray(image.convert("RGB")) for image in images]
        with torch.inference_mode():
            _, verdicts = self._checker(clip_input=pixels.to(self._device, self._dtype), images=arrays)
        return [bool(verdict) for verdict in verdicts]

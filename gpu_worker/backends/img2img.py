"""The `img2img` backend: Stable Diffusion image-to-image, including few-step (SD-Turbo class) models.

It is the fast backend: a few-step model changes a whole frame in 1 to 4
denoising steps, where inpainting needs about 20. The model is loaded once when
the worker starts and kept warm; a job's images go through the UNet as one
batch. The job's `change` and preset become strength, guidance, steps and
prompts through gpu_worker.diffusion.recipes, the one table every backend
shares. Each image gets its own generator seeded with `seed + index`, so an
image's recipe (seed, index) reproduces it whatever the batch size was.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import torch
from diffusers import StableDiffusionImg2ImgPipeline
from PIL import Image

from gpu_worker.backends.base import Backend, GeneratedImage, GenerationRequest, StepCallback
from gpu_worker.diffusion.loading import load_pipeline
from gpu_worker.diffusion.recipes import img2img_recipe, prompts
from gpu_worker.diffusion.settings import DiffusionModelSettings

if TYPE_CHECKING:
    from gpu_worker.config import WorkerConfig

LATENT_SCALE = 8
"""Stable Diffusion's VAE shrinks images by 8: both sides must be multiples of it."""

PLAIN_UNET_CHANNELS = 4
"""An image-to-image UNet sees only the noisy latents (inpainting adds mask channels)."""


def generation_size(size: tuple[int, int], longest_side: int) -> tuple[int, int]:
    """The source's shape at the model's native scale, both sides multiples of LATENT_SCALE.

    Stable Diffusion draws well only near the size it was trained at; a
    smaller frame gives mush, a larger one repeats the object and costs
    quadratically more.
    """
    scale = longest_side / max(size)
    width, height = (max(LATENT_SCALE, int(side * scale) // LATENT_SCALE * LATENT_SCALE) for side in size)
    return width, height


class Img2ImgBackend(Backend):
    name = "img2img"

    @classmethod
    def from_config(cls, config: WorkerConfig | None) -> Img2ImgBackend:
        if config is None or config.img2img is None:
            raise ValueError("the img2img backend needs a model: set `img2img` (--img2img-model DIR)")
        settings = config.img2img
        return cls(settings, settings.few_step, settings.longest_side)

    def __init__(self, settings: DiffusionModelSettings, few_step: bool, longest_side: int = 512) -> None:
        """`few_step` for SD-Turbo-class models; `longest_side` is the size the model was trained at."""
        self._loaded = load_pipeline(StableDiffusionImg2ImgPipeline, settings, PLAIN_UNET_CHANNELS)
        self._few_step = few_step
        self._longest_side = longest_side

    @property
    def model(self) -> str:
        """The model as configured (folder or id): what each image's recipe names."""
        return self._loaded.model

    def generate(self, request: GenerationRequest, on_step: StepCallback) -> Iterator[GeneratedImage]:
        recipe = img2img_recipe(request.change, self._few_step)
        pairs = [
            prompts("img2img", request.label, request.preset, request.prompt, variant=request.seed + index)
            for index in range(request.num_images)
        ]
        width, height = generation_size(request.image.size, self._longest_side)
        device = self._loaded.device
        generators = [
            torch.Generator(device).manual_seed(request.seed + index) for index in range(request.num_images)
        ]

        def step_ended(_pipeline: Any, step: int, _timestep: Any, tensors: dict[str, Any]) -> dict[str, Any]:
            # Raising here (an expired or cancelled job) leaves the denoising loop before the next step.
            on_step(step + 1, recipe.steps)
            return tensors

        result = self._loaded.pipeline(
            prompt=[pair.prompt for pair in pairs],
            negative_prompt=[pair.negative_prompt for pair in pairs],
            image=request.image.resize((width, height), Image.Resampling.LANCZOS),
            strength=recipe.strength,
            guidance_scale=recipe.guidance_scale,
            num_inference_steps=recipe.schedule_steps,
            generator=generators,
            output_type="pil",
            callback_on_step_end=step_ended,
        )
        for index, image in enumerate(result.images):
            yield GeneratedImage(
                index=index,
                image=image.resize(request.image.size, Image.Resampling.LANCZOS),
                whole_image=True,
                operations=(f"img2img strength={recipe.strength:.2f} steps={recipe.steps}",),
                model=self.model,
            )

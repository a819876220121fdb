"""The `img2img` backend: Stable Diffusion image-to-image, including few-step (SD-Turbo class) models.

It is the fast backend: a few-step model changes a whole frame in 1 to 4
denoising steps, where inpainting needs about 20. It changes the whole frame
and ignores the mask. The job's `change` becomes strength, guidance and steps
through gpu_worker.diffusion.recipes, the one table every backend shares;
seeding, batching, progress and running out of memory are diffusion_base's.
"""

from __future__ import annotations

from typing import Any

from gpu_worker.backends.base import CommandOption, GenerationRequest
from gpu_worker.backends.diffusion_base import DiffusionBackend, model_settings
from gpu_worker.diffusion.recipes import StrengthRecipe, img2img_recipe
from gpu_worker.diffusion.settings import Img2ImgSettings

BACKEND_KEY = "img2img"


class Img2ImgBackend(DiffusionBackend[StrengthRecipe]):
    name = BACKEND_KEY
    settings = model_settings(
        BACKEND_KEY,
        Img2ImgSettings,
        "The model the `img2img` backend loads",
        "a diffusers folder or cached model id",
        CommandOption("few_step", "img2img backend: an SD-Turbo-class model (1-4 steps)", flag=True),
    )
    pipeline_class_name = "StableDiffusionImg2ImgPipeline"
    unet_in_channels = 4
    """An image-to-image UNet sees only the noisy latents (inpainting adds mask channels)."""

    def __init__(self, settings: Img2ImgSettings) -> None:
        super().__init__(settings)
        self._few_step = settings.few_step

    def recipe(self, request: GenerationRequest) -> StrengthRecipe:
        return img2img_recipe(request.change, self._few_step)

    def pipeline_knobs(self, recipe: StrengthRecipe, size: tuple[int, int]) -> dict[str, Any]:
        return {
            "strength": recipe.strength,
            "guidance_scale": recipe.guidance_scale,
            "num_inference_steps": recipe.schedule_steps,
        }

    def describe(self, recipe: StrengthRecipe) -> str:
        return f"img2img strength={recipe.strength:.2f} steps={recipe.steps}"

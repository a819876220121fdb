"""The `instruct` backend: InstructPix2Pix, edits by instruction ("make the apple green") of the whole frame.

InstructPix2Pix keeps the source's layout and changes what the instruction
names, with two guidance knobs (how hard to follow the text, how hard to keep
the source) that the change value sets (recipes.py). A vague instruction lets
it recolour everything, the visitor included; so when the kiosk sends its
mask, only the part the preset changes is kept from the edit (the object, or
the background for `new_background`) and the source is pasted back over the
rest. Without a mask the whole edited frame is the result.
"""

from __future__ import annotations

from typing import Any

from gpu_worker.backends.base import GenerationRequest
from gpu_worker.backends.diffusion_base import DiffusionBackend, Region, model_settings
from gpu_worker.diffusion.recipes import InstructRecipe, instruct_recipe
from gpu_worker.diffusion.settings import DiffusionModelSettings

BACKEND_KEY = "instruct"


class InstructBackend(DiffusionBackend[InstructRecipe]):
    name = BACKEND_KEY
    settings = model_settings(
        BACKEND_KEY,
        DiffusionModelSettings,
        "The InstructPix2Pix model the `instruct` backend loads",
        "an InstructPix2Pix folder or cached id",
    )
    pipeline_class_name = "StableDiffusionInstructPix2PixPipeline"
    unet_in_channels = 8
    """Noisy latents (4) and the source image's latents (4)."""

    def recipe(self, request: GenerationRequest) -> InstructRecipe:
        return instruct_recipe(request.change)

    def pipeline_knobs(self, recipe: InstructRecipe, size: tuple[int, int]) -> dict[str, Any]:
        return {
            "guidance_scale": recipe.guidance_scale,
            "image_guidance_scale": recipe.image_guidance_scale,
            "num_inference_steps": recipe.steps,
        }

    def describe(self, recipe: InstructRecipe) -> str:
        return (
            f"instruct guidance={recipe.guidance_scale:.1f} "
            f"image_guidance={recipe.image_guidance_scale:.2f} steps={recipe.steps}"
        )

    def region(self, request: GenerationRequest) -> Region | None:
        return None if request.mask is None else self.masked_region(request.mask, request.preset)

"""The `inpaint` backend: Stable Diffusion inpainting (SD 2 inpainting class) through the kiosk's mask.

The research prototype's whole-frame edits recoloured the visitor and the
background along with the object. Inpainting regenerates only the masked
part: the object for every preset but one, and, with the mask inverted, the
background for `new_background` (recipes.edited_part has the table). Inside
that part the model draws anew, steered by the source as much as the change
value's strength allows; outside it the source is pasted back, so those pixels
are the source's own bytes, not a VAE round trip's near-copy.

A job without a mask is refused (UnsupportedRequest, a clear reason): with
nothing masked, an inpainting model draws the whole frame from the prompt
alone and ignores the visitor's sample, which teaches the classifier nothing
about that sample. img2img and instruct serve maskless jobs.
"""

from __future__ import annotations

from typing import Any

from gpu_worker.backends.base import GenerationRequest, UnsupportedRequest
from gpu_worker.backends.diffusion_base import DiffusionBackend, Region, model_settings
from gpu_worker.diffusion.recipes import StrengthRecipe, inpaint_recipe
from gpu_worker.diffusion.settings import DiffusionModelSettings

BACKEND_KEY = "inpaint"


class InpaintBackend(DiffusionBackend[StrengthRecipe]):
    name = BACKEND_KEY
    settings = model_settings(
        BACKEND_KEY,
        DiffusionModelSettings,
        "The Stable Diffusion inpainting model (9-channel UNet) the `inpaint` backend loads",
        "an SD inpainting folder or cached id",
    )
    pipeline_class_name = "StableDiffusionInpaintPipeline"
    unet_in_channels = 9
    """Noisy latents (4), the mask (1) and the latents of the image with the masked part blanked (4)."""
    takes_mask = True

    def recipe(self, request: GenerationRequest) -> StrengthRecipe:
        return inpaint_recipe(request.change)

    def pipeline_knobs(self, recipe: StrengthRecipe, size: tuple[int, int]) -> dict[str, Any]:
        width, height = size
        return {
            "strength": recipe.strength,
            "guidance_scale": recipe.guidance_scale,
            "num_inference_steps": recipe.schedule_steps,
            # The inpainting pipeline falls back to its UNet's trained size, not the image's.
            "width": width,
            "height": height,
        }

    def describe(self, recipe: StrengthRecipe) -> str:
        knobs = f"strength={recipe.strength:.2f} guidance={recipe.guidance_scale:.1f} steps={recipe.steps}"
        return f"inpaint {knobs}"

    def region(self, request: GenerationRequest) -> Region:
        if request.mask is None:
            raise UnsupportedRequest(
                "the inpaint backend needs the object mask: without one it would redraw the whole frame "
                "and ignore the sample (img2img and instruct work without a mask)"
            )
        return self.masked_region(request.mask, request.preset)

"""What the diffusers backends (inpaint, instruct, img2img) share: seeded, reported, batched, OOM-safe passes.

The three backends differ in their pipeline class, the knobs their recipe
sets and which part of the frame they may change. Everything else is here, once:

- Each image gets its own generator seeded with `seed + index`, so an image's
  recipe (seed, index) reproduces it whatever batch it ran in.
- Images are generated at the model's native scale (`generation_size`) and
  brought back to the source's size; where a backend changes only part of the
  frame, the source is pasted back over the rest (diffusion/paste_back.py).
- Every denoising step is reported through `on_step`; an exception from it
  (the job expired or was cancelled) leaves the denoising loop before the next
  step, so the GPU is free at once.
- Requests whose recipes and generation sizes are equal share a `batch_key`,
  and `generate_batch` runs all their images through the pipeline in one call:
  a UNet pass over 8 images costs far less than two over 4.
- Out of GPU memory, the images not yet made are retried at half the batch
  size, down to one at a time; only when one image alone does not fit does
  the job fail, with OutOfMemory, and the worker goes on.

The configuration reads each backend's model section without loading it, so
this module and the backends on it import torch and diffusers only inside the
methods that run a model (the registry imports them all, test_lazy_imports).
"""

from __future__ import annotations

import math
from abc import abstractmethod
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, TypeVar

import numpy as np
from PIL import Image

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
from gpu_worker.diffusion.loading import load_pipeline
from gpu_worker.diffusion.paste_back import edited_region, paste_back
from gpu_worker.diffusion.recipes import DiffusionBackendName, EditedPart, edited_part, prompts
from gpu_worker.diffusion.settings import DiffusionModelSettings
from shared.masks import binary_mask
from shared.presets import Preset

LATENT_SCALE = 8
"""Stable Diffusion's VAE shrinks images by 8: both sides must be multiples of it."""


class Recipe(Protocol):
    """A backend's knobs for one change value (recipes.py): frozen, so equal recipes can share a batch."""

    guidance_scale: float
    steps: int


RecipeT = TypeVar("RecipeT", bound=Recipe)


def model_settings(
    name: str,
    model: type[DiffusionModelSettings],
    description: str,
    model_help: str,
    *more_options: CommandOption,
) -> BackendSettings:
    """A diffusion backend's configuration section: its model, required when it is served.

    `--<name>-model` gives the section's model; `more_options` the fields a backend adds.
    """
    return BackendSettings(
        model=model,
        title=f"{name} model",
        description=f"{description} (required when that backend is served).",
        needs="a model",
        options=(CommandOption("model", f"{name} backend: {model_help}", metavar="DIR"), *more_options),
    )


def generation_size(size: tuple[int, int], longest_side: int) -> tuple[int, int]:
    """The source's shape at the model's native scale, both sides multiples of LATENT_SCALE.

    Stable Diffusion draws well only near the size it was trained at; a
    smaller frame gives mush, a larger one repeats the object and costs
    quadratically more.
    """
    scale = longest_side / max(size)
    width, height = (max(LATENT_SCALE, int(side * scale) // LATENT_SCALE * LATENT_SCALE) for side in size)
    return width, height


@dataclass(frozen=True)
class Region:
    """The part of the frame a backend may change: which part, and its mask at the source's size."""

    part: EditedPart
    mask: Image.Image


def object_mask(request: GenerationRequest, region: Region | None) -> Image.Image | None:
    """Where the object is in a generated image: where it was in the source, when only a part changed.

    A backend that changed only the object (or, for a new background, only the rest) pasted the
    source back over everything else, so the object has not moved: its mask is the kiosk's mask,
    not the edited part (a new background edits the backdrop, yet the object is still the object).
    A whole frame redrawn (img2img, instruct without a mask) leaves it unknown: None.
    """
    if region is None or request.mask is None:
        return None
    return binary_mask(request.mask)


@dataclass(frozen=True)
class _Planned:
    """A request checked and prepared: everything its images need before the GPU is touched."""

    request: GenerationRequest
    source: Image.Image
    """The source at generation size, as the pipeline takes it."""
    region: Region | None
    model_mask: Image.Image | None
    """The region at generation size, for pipelines that take a mask (inpainting)."""


@dataclass(frozen=True)
class _Slot:
    """One image to make: which request it belongs to, its index there and the prompts it is given."""

    position: int
    planned: _Planned
    index: int
    prompt: str
    negative_prompt: str | None


class DiffusionBackend(Backend, Generic[RecipeT]):
    """A diffusers pipeline loaded once and kept warm; subclasses say what differs."""

    name: ClassVar[DiffusionBackendName]
    pipeline_class_name: ClassVar[str]
    """The diffusers pipeline class, by name: diffusers is imported when the model is loaded."""
    unet_in_channels: ClassVar[int]
    """Inputs of the UNet this pipeline needs: tells a checkpoint for another backend apart at load."""
    takes_mask: ClassVar[bool] = False
    """Whether the pipeline itself takes the region as `mask_image` (inpainting)."""

    @classmethod
    def from_settings(cls, settings: Any) -> DiffusionBackend:
        return cls(settings)

    def __init__(self, settings: DiffusionModelSettings) -> None:
        """Load the model now (ModelUnavailable, DeviceUnavailable), so the first job does not wait for it."""
        import diffusers

        pipeline_class = getattr(diffusers, self.pipeline_class_name)
        self._loaded = load_pipeline(pipeline_class, settings, self.unet_in_channels)
        self._longest_side = settings.longest_side

    @property
    def model(self) -> str:
        """The model as configured (folder or id): what each image's recipe names."""
        return self._loaded.model

    # -- what each backend says -------------------------------------------------

    @abstractmethod
    def recipe(self, request: GenerationRequest) -> RecipeT:
        """The knobs for this request's change value (recipes.py)."""

    @abstractmethod
    def pipeline_knobs(self, recipe: RecipeT, size: tuple[int, int]) -> dict[str, Any]:
        """The pipeline's keyword arguments for `recipe` at generation size `size`."""

    @abstractmethod
    def describe(self, recipe: RecipeT) -> str:
        """One line for each image's recipe, saying which knobs made it."""

    def region(self, request: GenerationRequest) -> Region | None:
        """The part of the frame this backend changes; None (the default) for the whole frame."""
        return None

    def masked_region(self, mask: Image.Image, preset: Preset | None) -> Region:
        """The part of the kiosk's object mask that `preset` changes (recipes.edited_part)."""
        part = edited_part(preset)
        mask = edited_region(mask, part)
        if not np.asarray(mask).any():
            raise UnsupportedRequest(f"the mask leaves no {part} pixels for the {self.name} backend to edit")
        return Region(part, mask)

    # -- the Backend contract ---------------------------------------------------

    def batch_key(self, request: GenerationRequest) -> Hashable:
        return self.recipe(request), generation_size(request.image.size, self._longest_side)

    def generate(self, request: GenerationRequest, on_step: StepCallback) -> Iterator[GeneratedImage]:
        for _, image in self.generate_batch([request], on_step):
            yield image

    def generate_batch(
        self, requests: Sequence[GenerationRequest], on_step: StepCallback
    ) -> Iterator[tuple[int, GeneratedImage]]:
        if not requests:
            return
        keys = {self.batch_key(request) for request in requests}
        if len(keys) > 1:
            raise ValueError(f"requests with {len(keys)} different batch keys cannot share one pass")
        recipe, size = self.batch_key(requests[0])
        # Every prompt and mask is checked before the GPU is touched: a bad request fails at once.
        slots = []
        for position, request in enumerate(requests):
            planned = self._plan(request, size)
            for index in range(request.num_images):
                pair = prompts(
                    self.name, request.label, request.preset, request.prompt, variant=request.seed + index
                )
                # Without classifier-free guidance (few-step models) the negative prompt is never used.
                negative = pair.negative_prompt if recipe.guidance_scale > 1.0 else None
                slots.append(_Slot(position, planned, index, pair.prompt, negative))
        for slot, image in self._run(slots, recipe, size, on_step):
            yield slot.position, self._finish(slot, recipe, image)

    def reset_peak_memory(self) -> None:
        import torch

        if self._loaded.device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(self._loaded.device)

    def peak_memory_mb(self) -> float | None:
        import torch

        if self._loaded.device.type != "cuda":
            return None
        return torch.cuda.max_memory_allocated(self._loaded.device) / 2**20

    # -- one batch ----------------------------------------------------------------

    def _plan(self, request: GenerationRequest, size: tuple[int, int]) -> _Planned:
        region = self.region(request)
        model_mask = None
        if self.takes_mask and region is not None:
            model_mask = region.mask.resize(size, Image.Resampling.NEAREST)
        return _Planned(
            request=request,
            source=request.image.resize(size, Image.Resampling.LANCZOS),
            region=region,
            model_mask=model_mask,
        )

    def _run(
        self, slots: list[_Slot], recipe: RecipeT, size: tuple[int, int], on_step: StepCallback
    ) -> Iterator[tuple[_Slot, Image.Image]]:
        """All of `slots` in as few pipeline calls as memory allows, halving the batch on OutOfMemoryError.

        Progress counts every pass: a job that had to split in two reports twice the steps, and a
        pass that ran out of memory part-way is run again from its first step.
        """
        import torch

        batch = len(slots)
        made = passes = 0
        while made < len(slots):
            chunk = slots[made : made + batch]
            planned_passes = passes + math.ceil((len(slots) - made) / batch)
            try:
                images = self._call(chunk, recipe, size, on_step, passes * recipe.steps, planned_passes)
            except torch.OutOfMemoryError:
                images = None
            if images is None:
                # Out of the except block, the failed pass's tensors (its traceback held them) are freed.
                self._release_cached_memory()
                if batch == 1:
                    raise OutOfMemory(f"out of GPU memory even one image at a time at {size[0]}x{size[1]}")
                batch //= 2
                continue
            yield from zip(chunk, images, strict=True)
            made += len(chunk)
            passes += 1

    def _call(
        self,
        chunk: list[_Slot],
        recipe: RecipeT,
        size: tuple[int, int],
        on_step: StepCallback,
        steps_before: int,
        passes: int,
    ) -> list[Image.Image]:
        def step_ended(_pipeline: Any, step: int, _timestep: Any, tensors: dict[str, Any]) -> dict[str, Any]:
            # Raising here (an expired or cancelled job) leaves the denoising loop before the next step.
            on_step(steps_before + step + 1, passes * recipe.steps)
            return tensors

        import torch

        inputs: dict[str, Any] = {}
        if self.takes_mask:
            inputs["mask_image"] = [slot.planned.model_mask for slot in chunk]
        device = self._loaded.device
        result = self._loaded.pipeline(
            prompt=[slot.prompt for slot in chunk],
            negative_prompt=None if chunk[0].negative_prompt is None else [s.negative_prompt for s in chunk],
            image=[slot.planned.source for slot in chunk],
            generator=[
                torch.Generator(device).manual_seed(slot.planned.request.seed + slot.index) for slot in chunk
            ],
            output_type="pil",
            callback_on_step_end=step_ended,
            **inputs,
            **self.pipeline_knobs(recipe, size),
        )
        return result.images

    def _release_cached_memory(self) -> None:
        import torch

        if self._loaded.device.type == "cuda":
            torch.cuda.empty_cache()

    def _finish(self, slot: _Slot, recipe: RecipeT, image: Image.Image) -> GeneratedImage:
        request, region = slot.planned.request, slot.planned.region
        image = image.resize(request.image.size, Image.Resampling.LANCZOS)
        operations = [self.describe(recipe)]
        if region is not None:
            image = paste_back(image, request.image, region.mask)
            operations.append(f"source kept outside the {region.part}")
        return GeneratedImage(
            mask=object_mask(request, region),
            index=slot.index,
            image=image,
            whole_image=region is None,
            operations=tuple(operations),
            model=self.model,
            prompt=slot.prompt,
            negative_prompt=slot.negative_prompt,
        )

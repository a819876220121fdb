"""Which diffusion model a backend loads, and how: a strict config model without torch.

It lives apart from the loader so that each diffusion backend's module can
declare it as its section of the worker's configuration (backends/base.py,
BackendSettings), and the configuration be validated, without importing torch.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class DiffusionModelSettings(BaseModel):
    """One backend's model: where it comes from, where it runs, whether it is compiled."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str = Field(
        min_length=1,
        title="Model",
        description=(
            "A local folder in the diffusers format (model_index.json at its top), or a Hugging Face "
            "model id that is already in the local cache: nothing is downloaded."
        ),
    )
    device: Literal["auto", "cuda", "cpu"] = Field(
        default="auto",
        title="Device",
        description="Where the pipeline runs: `auto` takes the GPU when torch sees one, else the CPU.",
    )
    compile: bool = Field(
        default=False,
        title="Compile the UNet",
        description=(
            "Run the UNet through torch.compile: the first job pays minutes of compilation, later "
            "ones run faster. Worth it on a GPU that stays up; far too slow to build on a CPU."
        ),
    )
    longest_side: int = Field(
        default=512,
        ge=64,
        le=2048,
        title="Generation size",
        description="Images are generated with this longest side (the size the model was trained at).",
    )


class Img2ImgSettings(DiffusionModelSettings):
    """The `img2img` backend's model and how it is meant to be run."""

    few_step: bool = Field(
        default=False,
        title="Few-step model",
        description=(
            "An SD-Turbo-class model: 1 to 4 steps without guidance (recipes.py) instead of 20 guided ones."
        ),
    )

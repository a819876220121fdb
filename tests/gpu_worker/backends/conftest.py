from __future__ import annotations

import pytest

from gpu_worker.backends.img2img import Img2ImgBackend
from gpu_worker.backends.inpaint import InpaintBackend
from gpu_worker.backends.instruct import InstructBackend
from gpu_worker.diffusion.settings import DiffusionModelSettings, Img2ImgSettings
from tests.gpu_worker.backends.generation import WORKING_SIZE


@pytest.fixture(scope="session")
def img2img_backend(tiny_pipelines) -> Img2ImgBackend:
    """The tiny SD-Turbo-class pipeline: 1 to 4 steps, no guidance."""
    settings = Img2ImgSettings(
        model=str(tiny_pipelines["img2img"]), device="cpu", few_step=True, longest_side=WORKING_SIZE
    )
    return Img2ImgBackend(settings)


@pytest.fixture(scope="session")
def inpaint_backend(tiny_pipelines) -> InpaintBackend:
    settings = DiffusionModelSettings(
        model=str(tiny_pipelines["inpaint"]), device="cpu", longest_side=WORKING_SIZE
    )
    return InpaintBackend(settings)


@pytest.fixture(scope="session")
def instruct_backend(tiny_pipelines) -> InstructBackend:
    settings = DiffusionModelSettings(
        model=str(tiny_pipelines["instruct"]), device="cpu", longest_side=WORKING_SIZE
    )
    return InstructBackend(settings)

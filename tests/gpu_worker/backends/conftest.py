from __future__ import annotations

import pytest
import torch
from diffusers import StableDiffusionImg2ImgPipeline

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


class SimulatedMemory:
    """Records the batch size of each img2img pipeline call; those above `largest_batch` run out of memory."""

    def __init__(self) -> None:
        self.largest_batch: int | None = None
        self.calls: list[int] = []


@pytest.fixture
def memory(monkeypatch) -> SimulatedMemory:
    """The real pipeline behind a fake edge: its call raises torch's OutOfMemoryError as a full GPU would."""
    memory = SimulatedMemory()
    real_call = StableDiffusionImg2ImgPipeline.__call__

    def call(pipeline, *args, **kwargs):
        batch = len(kwargs["prompt"])
        memory.calls.append(batch)
        if memory.largest_batch is not None and batch > memory.largest_batch:
            raise torch.OutOfMemoryError(f"CUDA out of memory (simulated for a batch of {batch})")
        return real_call(pipeline, *args, **kwargs)

    monkeypatch.setattr(StableDiffusionImg2ImgPipeline, "__call__", call)
    return memory

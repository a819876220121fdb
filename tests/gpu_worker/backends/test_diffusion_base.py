"""What every diffusion backend shares, seen through the tiny img2img pipeline: batches, steps, memory."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from gpu_worker.backends import OutOfMemory, UnsupportedRequest, create_backend
from gpu_worker.backends.diffusion_base import generation_size
from gpu_worker.config import WorkerConfig
from gpu_worker.diffusion.recipes import DIFFUSION_BACKENDS
from shared.presets import Preset
from testkit.cuda import needs_cuda
from tests.gpu_worker.backends.generation import (
    SOURCE_SIZE,
    assert_only_the_part_changed,
    make_request,
    object_mask,
    pixels,
    textured_source,
)

TWO_STEPS = 1 / 3
"""The few-step table's change for 2 denoising steps."""


def request(**fields):
    return make_request(**({"mask": None, "change": TWO_STEPS} | fields))


def run_batch(backend, requests) -> tuple[list[tuple[int, int]], list, list[tuple[int, int]]]:
    """(position, index) of each image in order, the images, and the progress reports."""
    steps: list[tuple[int, int]] = []
    made = list(backend.generate_batch(requests, lambda step, total: steps.append((step, total))))
    return [(position, image.index) for position, image in made], [image for _, image in made], steps


def close(first: Image.Image, second: Image.Image) -> bool:
    """Equal but for the last float bit a batched convolution may round differently: one grey level."""
    return int(np.abs(pixels(first) - pixels(second)).max()) <= 1


def test_generation_size_keeps_the_shape_in_multiples_of_eight():
    assert generation_size((640, 480), 512) == (512, 384)
    assert generation_size((60, 44), 64) == (64, 40)
    assert generation_size((1000, 10), 512) == (512, 8)


def test_requests_batch_together_when_knobs_and_generation_size_agree(img2img_backend):
    key = img2img_backend.batch_key
    base = request()
    assert key(base) == key(request(seed=9, label="pear", preset=Preset.RIPER, num_images=4, prompt="shiny"))
    assert key(base) == key(request(image=Image.new("RGB", (120, 88)))), "same shape at twice the size"
    assert key(base) != key(request(change=1.0)), "other strength and steps"
    assert key(base) != key(request(image=Image.new("RGB", (44, 60)))), "portrait, not landscape"


def test_one_batch_makes_the_same_images_as_separate_runs(img2img_backend):
    first = request(seed=3, num_images=2)
    second = request(seed=11, num_images=1, preset=Preset.UNRIPE, image=Image.new("RGB", SOURCE_SIZE, "blue"))
    order, together, steps = run_batch(img2img_backend, [first, second])
    assert order == [(0, 0), (0, 1), (1, 0)]
    assert steps == [(1, 2), (2, 2)], "one pass for both requests"
    _, apart_first, _ = run_batch(img2img_backend, [first])
    _, apart_second, _ = run_batch(img2img_backend, [second])
    for batched, alone in zip(together, apart_first + apart_second, strict=True):
        assert batched.prompt == alone.prompt and close(batched.image, alone.image)
    assert together[2].prompt == "a photo of an unripe green apple"


def test_requests_that_cannot_share_a_pass_are_refused(img2img_backend):
    with pytest.raises(ValueError, match="2 different batch keys"):
        run_batch(img2img_backend, [request(), request(change=1.0)])


def test_a_bad_request_fails_the_batch_before_any_denoising(img2img_backend):
    with pytest.raises(UnsupportedRequest, match="'mix'"):
        list(img2img_backend.generate_batch([request(), request(preset=Preset.MIX)], pytest.fail))


def test_an_exception_from_the_step_callback_stops_the_denoising(img2img_backend):
    class Stop(Exception):
        pass

    steps: list[int] = []

    def stop_at_two(step: int, _total: int) -> None:
        steps.append(step)
        if step == 2:
            raise Stop

    with pytest.raises(Stop):
        list(img2img_backend.generate(request(change=1.0), stop_at_two))
    assert steps == [1, 2], "steps 3 and 4 of 4 never ran"


def test_the_model_is_told_no_negative_prompt_when_it_runs_without_guidance(img2img_backend):
    _, (image,), _ = run_batch(img2img_backend, [request(num_images=1)])
    assert image.prompt == "a photo of a purple apple" and image.negative_prompt is None


def test_out_of_memory_halves_the_batch_and_makes_the_same_images(img2img_backend, memory):
    four = request(num_images=4)
    _, plenty, _ = run_batch(img2img_backend, [four])
    memory.largest_batch = 2
    order, squeezed, steps = run_batch(img2img_backend, [four])
    assert memory.calls == [4, 4, 2, 2]
    assert order == [(0, index) for index in range(4)]
    assert steps == [(step, 4) for step in range(1, 5)], "two passes of two steps"
    assert all(close(a.image, b.image) for a, b in zip(plenty, squeezed, strict=True))


def test_out_of_memory_goes_down_to_one_image_at_a_time(img2img_backend, memory):
    memory.largest_batch = 1
    order, _, steps = run_batch(img2img_backend, [request(num_images=2), request(num_images=1, seed=5)])
    assert memory.calls == [3, 1, 1, 1]
    assert order == [(0, 0), (0, 1), (1, 0)]
    assert steps == [(step, 6) for step in range(1, 7)]


def test_out_of_memory_for_one_image_fails_the_job_with_the_size(img2img_backend, memory):
    memory.largest_batch = 0
    with pytest.raises(OutOfMemory, match="out of GPU memory even one image at a time at 64x40"):
        run_batch(img2img_backend, [request(num_images=2)])
    assert memory.calls == [2, 1]
    memory.largest_batch = None
    assert len(run_batch(img2img_backend, [request(num_images=2)])[1]) == 2, "the backend goes on"


def test_no_peak_memory_on_the_cpu(img2img_backend):
    img2img_backend.reset_peak_memory()
    run_batch(img2img_backend, [request(num_images=1)])
    assert img2img_backend.peak_memory_mb() is None


@needs_cuda
@pytest.mark.parametrize("name", DIFFUSION_BACKENDS)
def test_on_the_gpu_each_backend_runs_fp16_and_reports_its_peak_memory(tiny_pipelines, name):
    settings = {"model": str(tiny_pipelines[name]), "device": "cuda"}
    config = WorkerConfig(broker="mqtt://localhost", backends=(name,), **{name: settings})
    backend = create_backend(name, config)
    weights_mb = torch.cuda.memory_allocated() / 2**20
    backend.reset_peak_memory()
    job = make_request(image=textured_source((512, 384)), mask=object_mask((512, 384), (128, 96, 384, 288)))
    _, images, steps = run_batch(backend, [job])
    assert len(images) == 2 and steps[-1][0] == steps[-1][1]
    peak = backend.peak_memory_mb()
    assert peak is not None and peak > weights_mb
    if name != "img2img":
        assert_only_the_part_changed(images[0], job, "object")

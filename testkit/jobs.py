"""Building jobs and workers for tests from the bundled sample."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from gpu_worker.backends import (
    Backend,
    GeneratedImage,
    GenerationRequest,
    OutOfMemory,
    StepCallback,
    UnsupportedRequest,
)
from shared.presets import Preset
from shared.protocol import GenerationJob

SAMPLES = Path(__file__).resolve().parents[1] / "kiosk" / "samples"
SAMPLE_IMAGE = (SAMPLES / "red_apple.jpg").read_bytes()
SAMPLE_MASK = (SAMPLES / "red_apple_mask.png").read_bytes()


def make_job(
    kiosk_id: str = "k1", job_id: str | None = None, *, deadline_in: float = 60.0, **fields
) -> GenerationJob:
    now = time.time()
    values = {
        "job_id": job_id or uuid.uuid4().hex,
        "kiosk_id": kiosk_id,
        "label": "apple",
        "preset": Preset.NEW_COLOUR,
        "change": 0.6,
        "num_images": 4,
        "seed": 7,
        "created_at": now,
        "deadline": now + deadline_in,
        "image": SAMPLE_IMAGE,
        "mask": SAMPLE_MASK,
    }
    values.update(fields)
    return GenerationJob(**values)


class GatedBackend(Backend):
    """Yields the first image, then waits for the test to open the gate.

    Lets a test act while a job is provably running (send a duplicate, move
    the clock past the deadline) without sleeping.
    """

    name = "gated"

    def __init__(self) -> None:
        self.first_image_out = threading.Event()
        self.gate = threading.Event()

    def generate(self, request: GenerationRequest, on_step: StepCallback) -> Iterator[GeneratedImage]:
        for index in range(request.num_images):
            on_step(index, request.num_images)
            yield GeneratedImage(index=index, image=request.image, whole_image=request.mask is None)
            if index == 0:
                self.first_image_out.set()
                if not self.gate.wait(30):
                    raise TimeoutError("the test never opened the gate")
        on_step(request.num_images, request.num_images)


class FailingBackend(Backend):
    """A backend with a bug: raises on every job."""

    name = "failing"

    def generate(self, request: GenerationRequest, on_step: StepCallback) -> Iterator[GeneratedImage]:
        raise RuntimeError("simulated backend bug")


class BatchingBackend(Backend):
    """Batches requests of equal `change` and size, and records each pass it makes.

    With `held`, every pass stops after its first step until the test releases
    it (`release()`), so a test can queue or cancel jobs while a pass provably
    runs; `started` counts passes that have begun.
    """

    name = "batching"

    def __init__(self, held: bool = False) -> None:
        self.passes: list[list[int]] = []
        """Per pass, the seeds of the requests it carried."""
        self.started = threading.Semaphore(0)
        self._held = held
        self._permits = threading.Semaphore(0)

    def release(self) -> None:
        self._permits.release()

    def batch_key(self, request: GenerationRequest) -> tuple[float, tuple[int, int]]:
        return (request.change, request.image.size)

    def generate(self, request: GenerationRequest, on_step: StepCallback) -> Iterator[GeneratedImage]:
        for _position, image in self.generate_batch([request], on_step):
            yield image

    def generate_batch(self, requests, on_step):
        if any(request.preset is Preset.ROTTEN for request in requests):
            raise UnsupportedRequest("this backend cannot make things rotten")
        self.passes.append([request.seed for request in requests])
        on_step(1, 2)
        self.started.release()
        if self._held and not self._permits.acquire(timeout=30):
            raise TimeoutError("the test never released the pass")
        on_step(2, 2)
        for position, request in enumerate(requests):
            for index in range(request.num_images):
                image = GeneratedImage(
                    index=index, image=request.image, whole_image=False, prompt=f"a {request.label}"
                )
                yield position, image


class MeasuringBackend(Backend):
    """Reports a fixed peak memory, as a backend on a GPU does."""

    name = "measuring"

    def __init__(self) -> None:
        self.resets = 0

    def reset_peak_memory(self) -> None:
        self.resets += 1

    def peak_memory_mb(self) -> float | None:
        return 1234.5

    def generate(self, request: GenerationRequest, on_step: StepCallback) -> Iterator[GeneratedImage]:
        on_step(1, 1)
        yield GeneratedImage(
            index=0,
            image=request.image,
            whole_image=True,
            prompt="a photo of a green apple",
            negative_prompt="blurry",
            model="tiny/model",
        )


class OutOfMemoryBackend(Backend):
    """Runs out of accelerator memory on every job, after its own retries."""

    name = "oom"

    def generate(self, request: GenerationRequest, on_step: StepCallback) -> Iterator[GeneratedImage]:
        raise OutOfMemory("out of GPU memory even one image at a time at 512x512")

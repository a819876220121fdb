"""Building jobs and workers for tests from the bundled sample."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from gpu_worker.backends import Backend, GeneratedImage, GenerationRequest, StepCallback
from shared.presets import Preset
from shared.protocol import GenerationJob

SAMPLES = Path(__file__).resolve().parents[2] / "kiosk" / "samples"
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

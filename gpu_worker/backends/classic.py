"""The `classic` backend: the CPU variation engine from `shared`, served over MQTT.

It needs no GPU and no weights, so every worker offers it and the demo and
tests use it end to end. Each image carries the object mask as the engine moved
it (a new angle rotates, scales, mirrors and shifts mask and picture alike).
"""

from __future__ import annotations

from collections.abc import Iterator

from gpu_worker.backends.base import (
    Backend,
    GeneratedImage,
    GenerationRequest,
    StepCallback,
    UnsupportedRequest,
)
from shared.variations import ClassicEngine, UnsupportedPreset

BACKEND_KEY = "classic"


class ClassicBackend(Backend):
    name = BACKEND_KEY

    def __init__(self) -> None:
        self._engine = ClassicEngine()

    def generate(self, request: GenerationRequest, on_step: StepCallback) -> Iterator[GeneratedImage]:
        if request.preset is None:
            raise UnsupportedRequest("the classic backend works from presets, not free-text prompts")
        try:
            variations = self._engine.variations(
                request.image, request.mask, request.preset, request.change, request.seed, request.num_images
            )
            on_step(0, request.num_images)
            for index, variation in enumerate(variations):
                on_step(index + 1, request.num_images)
                yield GeneratedImage(
                    index=index,
                    image=variation.image,
                    whole_image=variation.whole_image,
                    operations=variation.operations,
                    mask=variation.mask,
                )
        except UnsupportedPreset as exc:
            raise UnsupportedRequest(str(exc)) from None

"""Requests and checks the diffusion backends' tests share."""

from __future__ import annotations

import numpy as np
from PIL import Image

from gpu_worker.backends import Backend, GeneratedImage, GenerationRequest
from gpu_worker.diffusion.recipes import EditedPart
from shared.presets import Preset

WORKING_SIZE = 64
"""The worker's working size and the backends' generation size in these tests: tiny and fast."""

SOURCE_SIZE = (60, 44)
"""Not a multiple of 8, so every test also covers the resize to generation size and back."""

OBJECT_BOX = (16, 8, 44, 36)
"""Where `object_mask` marks the object (left, top, right, bottom)."""

CHANGED = 10
"""Mean grey levels by which an edited part differs from the source, at least (it is ~70 here)."""


def object_mask(
    size: tuple[int, int] = SOURCE_SIZE, box: tuple[int, int, int, int] = OBJECT_BOX
) -> Image.Image:
    """A kiosk-style object mask: 255 on the object, 0 elsewhere."""
    mask = Image.new("L", size, 0)
    mask.paste(255, box)
    return mask


def textured_source(size: tuple[int, int] = SOURCE_SIZE, seed: int = 0) -> Image.Image:
    """A red-ish noisy photo stand-in: texture, so a resize or VAE round trip would show."""
    rng = np.random.default_rng(seed)
    base = np.array([200, 40, 30], dtype=np.int16)
    noise = rng.integers(-25, 26, (size[1], size[0], 3), dtype=np.int16)
    return Image.fromarray(np.clip(base + noise, 0, 255).astype(np.uint8))


def make_request(**fields) -> GenerationRequest:
    values = {
        "image": textured_source(),
        "mask": object_mask(),
        "label": "apple",
        "preset": Preset.NEW_COLOUR,
        "prompt": None,
        "change": 0.5,
        "seed": 3,
        "num_images": 2,
    }
    values.update(fields)
    return GenerationRequest(**values)


def generate_all(
    backend: Backend, request: GenerationRequest
) -> tuple[list[GeneratedImage], list[tuple[int, int]]]:
    """The images of one request and the (step, total) reports it made."""
    steps: list[tuple[int, int]] = []
    images = list(backend.generate(request, lambda step, total: steps.append((step, total))))
    return images, steps


def pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image, dtype=np.int16)


def inside(mask: Image.Image) -> np.ndarray:
    """(height, width) bool: where `mask` marks the object."""
    return np.asarray(mask) > 127


def assert_only_the_part_changed(
    generated: GeneratedImage, request: GenerationRequest, part: EditedPart
) -> None:
    """The edited part is new; every other pixel is the source's, byte for byte, and the recipe says so."""
    assert request.mask is not None
    edited = inside(request.mask) if part == "object" else ~inside(request.mask)
    result, source = pixels(generated.image), pixels(request.image)
    np.testing.assert_array_equal(result[~edited], source[~edited])
    assert np.abs(result[edited] - source[edited]).mean() > CHANGED
    assert not generated.whole_image and generated.operations[-1] == f"source kept outside the {part}"

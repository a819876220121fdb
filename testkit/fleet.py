"""Photos with object masks and tiny diffusion workers, for the expansion tests that need a real fleet.

The inpaint backend refuses a photo without a mask (it would redraw the whole frame), so these
photos carry one, as camera captures do: a disc on a backdrop and the disc's mask. The diffusion
backends load the tiny random pipelines (`tools/make_tiny_pipelines.py`) on the CPU at 64 pixels.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from gpu_worker.backends import Backend
from kiosk.store import Project, Sample, Source

PHOTO_SIZE = 64
GENERATION_SIZE = 64
COLOURS = {"apple": (200, 30, 30), "pear": (120, 180, 40), "leaf": (40, 160, 50)}


def masked_photo(colour: tuple[int, int, int], rng: np.random.Generator) -> tuple[Image.Image, Image.Image]:
    """A disc of `colour` at a random place inside the frame, and its mask."""
    backdrop = tuple(int(v) for v in rng.integers(150, 230, 3))
    image, mask = Image.new("RGB", (PHOTO_SIZE,) * 2, backdrop), Image.new("L", (PHOTO_SIZE,) * 2, 0)
    radius = rng.uniform(0.2, 0.28) * PHOTO_SIZE
    cx, cy = rng.uniform(radius + 4, PHOTO_SIZE - radius - 4, 2)
    box = [cx - radius, cy - radius, cx + radius, cy + radius]
    ImageDraw.Draw(image).ellipse(box, fill=colour)
    ImageDraw.Draw(mask).ellipse(box, fill=255)
    return image, mask


def add_masked_photos(project: Project, per_class: dict[str, int], seed: int = 0) -> dict[str, list[Sample]]:
    """Camera samples with masks, by label."""
    rng = np.random.default_rng(seed)
    added: dict[str, list[Sample]] = {}
    for label, count in per_class.items():
        class_id = (project.find_class(label) or project.add_class(label)).id
        added[label] = []
        for _ in range(count):
            image, mask = masked_photo(COLOURS[label], rng)
            added[label].append(project.add_sample(image, class_id, Source.CAMERA, mask=mask))
    return added


def diffusion_backend(kind: str, folder: Path) -> Backend:
    """The worker backend `kind` (inpaint, instruct, img2img) on a tiny pipeline folder."""
    from gpu_worker.backends.img2img import Img2ImgBackend
    from gpu_worker.backends.inpaint import InpaintBackend
    from gpu_worker.backends.instruct import InstructBackend
    from gpu_worker.diffusion.settings import DiffusionModelSettings, Img2ImgSettings

    if kind == "img2img":
        settings = Img2ImgSettings(
            model=str(folder), device="cpu", few_step=True, longest_side=GENERATION_SIZE
        )
        return Img2ImgBackend(settings)
    backend_class = {"inpaint": InpaintBackend, "instruct": InstructBackend}[kind]
    return backend_class(
        DiffusionModelSettings(model=str(folder), device="cpu", longest_side=GENERATION_SIZE)
    )

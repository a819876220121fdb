"""Two classes of two looks each, and generated pictures that help them or mislead them.

"ball" photos are red discs and blue bars; "block" photos are mostly orange discs and a few blue
squares (`testkit.shapes`). A blue square is nearer the ball photos' centroid (their blue half) than
the block photos' (mostly orange discs), so the quality gate, which judges a picture against its
class's centroid, lets blue squares through as balls; yet a classifier tells the few real blue-square
blocks from the blue-bar balls by shape.

- `add_misleading`: blue squares accepted as balls, made "from" the blue-bar ball photos: the other
  class's look under this class's name. They pass the gate and cost the block photos that look
  like them.
- `add_near_copies`: new renders of each photo's own look, accepted as its own class.
"""

from __future__ import annotations

import numpy as np

from kiosk.learning.project_training import SOURCE_SAMPLE_KEY
from kiosk.store import Project, Sample, Source
from testkit.shapes import render_shape

LOOKS = {
    "ball": (("disc", (200, 30, 30), 6), ("bar", (40, 70, 200), 6)),
    "block": (("disc", (220, 110, 40), 9), ("square", (40, 70, 200), 4)),
}
"""label -> (shape, colour, photos) per look."""
MISLEADING = ("square", (40, 70, 200))


def add_photos(project: Project, seed: int) -> dict[str, list[Sample]]:
    """The photos of `LOOKS`, by label, each look's photos in a row."""
    rng = np.random.default_rng(seed)
    photos = {}
    for label, looks in LOOKS.items():
        class_id = project.add_class(label).id
        photos[label] = [
            project.add_sample(render_shape(shape, colour, rng), class_id, Source.CAMERA)
            for shape, colour, count in looks
            for _ in range(count)
        ]
    return photos


def _accepted(project: Project, image, label: str, source: Sample) -> Sample:
    class_id = project.find_class(label).id
    recipe = {SOURCE_SAMPLE_KEY: source.id}
    return project.add_sample(image, class_id, Source.GENERATED, recipe=recipe, accepted=True)


def add_misleading(project: Project, photos: dict[str, list[Sample]], seed: int) -> list[Sample]:
    """Two blue squares per blue-bar ball photo, accepted as balls made from it."""
    rng = np.random.default_rng(seed)
    bars = photos["ball"][LOOKS["ball"][0][2] :]
    return [_accepted(project, render_shape(*MISLEADING, rng), "ball", bar) for bar in bars for _ in range(2)]


def add_near_copies(project: Project, photos: dict[str, list[Sample]], seed: int) -> list[Sample]:
    """One new render of its own look per photo, accepted as its own class."""
    rng = np.random.default_rng(seed)
    made = []
    for label, looks in LOOKS.items():
        shapes = [(shape, colour) for shape, colour, count in looks for _ in range(count)]
        for photo, (shape, colour) in zip(photos[label], shapes, strict=True):
            made.append(_accepted(project, render_shape(shape, colour, rng), label, photo))
    return made

"""Occlusion saliency: which part of the picture made the classifier say what it said?

The kiosk shows this over the visitor's photo so they can see the model looking at the background
or the hand instead of the object (the apple/pear trap made visible). Occlusion needs nothing but
the model itself: hide one square of the model's input under neutral grey, embed and score again,
and the drop in the predicted class's probability is how much that square mattered. It is model-
agnostic (any TFLite backbone, no gradients, which a TFLite interpreter does not give anyway) and
exactly what the kiosk computes at prediction time, preprocessing included.

Squares overlap (the patch is larger than the stride) so an object is never cut into pieces too
small to matter on their own; the per-pixel heat map is the mean drop of every square that covered
the pixel. Occluded images are built and embedded a chunk at a time to bound memory; the backbone
is thread-safe, so this can run on the kiosk's worker thread while the preview keeps going.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kiosk.features.backbone import NEUTRAL_GREY, Backbone, ImageLike
from kiosk.features.recipes import RecipeFeatures
from kiosk.learning.linear_model import LinearModel

DEFAULT_PATCH = 56
"""A quarter of the 224-pixel input: big enough to hide a part of a hand-held object."""
DEFAULT_STRIDE = 28
"""Half the patch: 7 x 7 = 49 occluded images per map on the default input."""
CHUNK = 16
"""Occluded images held in memory at once (16 x 150 kB)."""


@dataclass(frozen=True)
class Saliency:
    """An occlusion map for one prediction."""

    label: str
    """The class whose probability the map explains."""
    probability: float
    """That class's probability on the unoccluded input."""
    grid: np.ndarray
    """(rows, cols) float: the probability drop with the patch at each grid position (negative =
    hiding that square made the model surer)."""
    heat: np.ndarray
    """(height, width) float32 at the model's input size: the mean drop of every patch covering each
    pixel, for drawing over `pixels`."""
    pixels: np.ndarray
    """The preprocessed input (uint8 RGB) the map is aligned with."""
    patch: int
    stride: int

    def peak(self) -> tuple[int, int]:
        """(y, x) input pixel where hiding things hurt the prediction most."""
        y, x = np.unravel_index(int(np.argmax(self.heat)), self.heat.shape)
        return int(y), int(x)


def _positions(size: int, patch: int, stride: int) -> list[int]:
    """Patch offsets along one axis, the last one flush with the edge so every pixel is covered."""
    offsets = list(range(0, size - patch + 1, stride))
    if offsets[-1] != size - patch:
        offsets.append(size - patch)
    return offsets


def occlusion_saliency(
    backbone: Backbone | RecipeFeatures,
    model: LinearModel,
    image: ImageLike,
    *,
    label: str | None = None,
    patch: int = DEFAULT_PATCH,
    stride: int = DEFAULT_STRIDE,
) -> Saliency:
    """The occlusion map of `model`'s answer for `image` (any size; preprocessed like training).

    `backbone` is what gives the classifier its features: the backbone, or the backbone read through
    the model's recipe (`TrainedModel.features`).

    `label` chooses the class to explain; by default, the predicted one.
    """
    if model.feature_dim != backbone.feature_dim:
        raise ValueError(
            f"the classifier takes {model.feature_dim}-d features but the backbone gives "
            f"{backbone.feature_dim}-d: it was trained with another backbone"
        )
    height, width = backbone.input_size
    if not 1 <= patch <= min(height, width):
        raise ValueError(f"patch must be 1..{min(height, width)} pixels, got {patch}")
    if stride < 1:
        raise ValueError(f"stride must be at least 1 pixel, got {stride}")
    if label is not None and label not in model.labels:
        raise ValueError(f"unknown label {label!r}; the classifier knows {', '.join(model.labels)}")

    pixels = backbone.preprocess(image)
    base = model.predict_proba(backbone.embed_pixels([pixels]))[0]
    target = int(np.argmax(base)) if label is None else model.labels.index(label)

    rows, cols = _positions(height, patch, stride), _positions(width, patch, stride)
    boxes = [(top, left) for top in rows for left in cols]
    drops = np.empty(len(boxes))
    for start in range(0, len(boxes), CHUNK):
        chunk = []
        for top, left in boxes[start : start + CHUNK]:
            occluded = pixels.copy()
            occluded[top : top + patch, left : left + patch] = NEUTRAL_GREY
            chunk.append(occluded)
        probabilities = model.predict_proba(backbone.embed_pixels(chunk))
        drops[start : start + len(chunk)] = base[target] - probabilities[:, target]

    total = np.zeros((height, width), dtype=np.float64)
    covered = np.zeros((height, width), dtype=np.float64)
    for (top, left), drop in zip(boxes, drops, strict=True):
        total[top : top + patch, left : left + patch] += drop
        covered[top : top + patch, left : left + patch] += 1.0
    return Saliency(
        label=model.labels[target],
        probability=float(base[target]),
        grid=drops.reshape(len(rows), len(cols)),
        heat=(total / covered).astype(np.float32),
        pixels=pixels,
        patch=patch,
        stride=stride,
    )

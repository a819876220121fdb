"""Concepts a person can name: which cues a trained model's answers hang on, measured by changing them.

    shares = measure_cues(features, model.classifier, [MaskedPicture(image, mask), ...])
    shares.share["colour"]      # 0.55: a new colour changed 55 % of its answers
    shares.dominant()           # "colour": "it decides mostly by colour"

InFiConD (docs/architecture.md#research) inspects a model through concepts a person can name. The
kiosk can name the ones its classic engine changes (`shared/variations/`), so it asks the model
counterfactual questions about each of its own pictures: recolour the object; put it on a new
background; turn, scale and shift it; light it differently; blur it. Each probe is applied
`repeats` times with parameters drawn from seeds fixed by (seed, picture, cue, repeat), and a
*flip* is an answer (the classifier's top class) that differs from its answer to the untouched
picture. A cue's share is flipped / probed: how much of what the model says that cue decides. A
model that learned shape shrugs off a new colour; one that learned "red = apple" flips.

Probes change what the mask says: colour and blur act on the object only, background only around
it (so it is measured only on pictures with a mask), angle and light on the whole frame. Without a
mask the whole picture counts as the object. Strengths are fixed and documented in `PROBES`; they
are the engine's own steps, so "teach it to ignore colour" trains on exactly the change that
was measured (the `new_colour` preset at the same strength).

Pictures are shrunk to the backbone's input size before probing: the backbone sees no more pixels
than that, and probing a 12-megapixel photo would cost seconds per probe. NumPy, Pillow and the
shared engine only; the backbone does the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from PIL import Image

from kiosk.learning.masked_image import MaskedPicture
from shared.presets import Preset
from shared.variations.background import new_background
from shared.variations.colour import recolour
from shared.variations.degrade import gaussian_blur
from shared.variations.frame import Frame
from shared.variations.geometry import reposition
from shared.variations.lighting import relight

Step = Callable[[Frame, np.random.Generator, float], Frame]

BLUR_SHARE = (0.01, 0.02)
"""The object's blur sigma, drawn in this range of the picture's shorter side (2 to 4.5 px at the
backbone's 224): texture and small marks go, the silhouette stays. The engine's own camera blur
(sigma up to 1.5 px) is too mild to ask whether a model needs detail."""


def blur_object(frame: Frame, rng: np.random.Generator, change: float) -> Frame:
    """Blur the object (the whole frame without a mask) by a sigma scaled by `change`."""
    sigma = rng.uniform(*BLUR_SHARE) * min(frame.shape) * change
    blurred = gaussian_blur(frame.rgb, sigma)
    inside = frame.object_mask[..., None]
    return frame.with_step(np.where(inside, blurred, frame.rgb), f"object_blur(sigma={sigma:.1f})")


@dataclass(frozen=True)
class Probe:
    step: Step
    change: float
    """The engine's "how much to change" for this probe."""
    preset: Preset | None
    """The preset that makes the same change, which teaches the model to ignore the cue."""
    noun: str
    """What the cue is, in words: "it decides mostly by {noun}"."""
    change_words: str
    """What the probe does, in words: "{change_words} changed 60 % of its answers"."""
    needs_mask: bool = False


PROBES: dict[str, Probe] = {
    # 0.6: a hue turn of 72 to 108 degrees either way, so a red object becomes green or violet.
    "colour": Probe(recolour, 0.6, Preset.NEW_COLOUR, "colour", "a new colour"),
    # 1.0: the backdrop mostly replaced (80 to 100 % of it), the object untouched.
    "background": Probe(
        new_background, 1.0, Preset.NEW_BACKGROUND, "the background", "a new background", needs_mask=True
    ),
    # 1.0: up to 25 degrees either way, 0.83 to 1.2 times the size, mirrored half the time.
    "angle": Probe(reposition, 1.0, Preset.NEW_ANGLE, "the angle", "a new angle"),
    # 1.0: brighter or darker, more or less contrast, warmer or cooler, a side light.
    "light": Probe(relight, 1.0, Preset.DIFFERENT_LIGHT, "the light", "different light"),
    "blur": Probe(blur_object, 1.0, None, "sharpness", "a blur"),
}
CUES = tuple(PROBES)
DOMINANT_SHARE = 0.25
"""A cue decides "mostly" when changing it changes more than this share of the answers: a quarter is
far above what a model that learned the object shows for any of the probes (at most 0.15 on the
rendered shape-only set, `tests/kiosk/learning/test_cues.py`)."""


class Embedder(Protocol):
    """What the probes need of the backbone (`Backbone`, or its features read through a recipe)."""

    input_size: tuple[int, int]

    def embed(self, images: Sequence[Image.Image]) -> np.ndarray: ...


class Classifier(Protocol):
    labels: tuple[str, ...]

    def predict_proba(self, features: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class CueShares:
    """How often each probe changed the model's answer, over the pictures it was applied to."""

    probed: dict[str, int]
    """Probed answers per cue (pictures x repeats; background: pictures with a mask only)."""
    flipped: dict[str, int]
    images: int
    by_label: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)
    """Cue -> the model's answer to the untouched picture -> (flipped, probed)."""

    @property
    def share(self) -> dict[str, float | None]:
        """Cue -> flipped / probed; None where the cue could not be probed (no picture had a mask)."""
        return {cue: self.flipped[cue] / self.probed[cue] if self.probed[cue] else None for cue in CUES}

    def dominant(self, min_share: float = DOMINANT_SHARE) -> str | None:
        """The cue that flips the most answers, if it flips more than `min_share` of them."""
        measured = {cue: share for cue, share in self.share.items() if share is not None}
        if not measured:
            return None
        cue = max(measured, key=lambda name: (measured[name], -CUES.index(name)))
        return cue if measured[cue] > min_share else None

    def labels_flipped(self, cue: str, min_share: float) -> tuple[str, ...]:
        """The answers a probe of `cue` overturns at least `min_share` of the time, in label order."""
        return tuple(
            label
            for label, (flipped, probed) in self.by_label.get(cue, {}).items()
            if probed and flipped / probed >= min_share
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "cues": self.share,
            "images": self.images,
            "dominant": self.dominant(),
            "probed": dict(self.probed),
            "flipped": dict(self.flipped),
            "by_label": {
                cue: {label: {"flipped": f, "probed": p} for label, (f, p) in counts.items()}
                for cue, counts in self.by_label.items()
            },
        }


def shrink(picture: MaskedPicture, size: tuple[int, int]) -> MaskedPicture:
    """`picture` with its shorter side no longer than the backbone input's (mask alike)."""
    image = picture.image
    factor = min(size) / min(image.size)
    if factor >= 1.0:
        return picture
    new_size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
    small = image.resize(new_size, Image.Resampling.BILINEAR, reducing_gap=3.0)
    mask = None if picture.mask is None else picture.mask.resize(new_size, Image.Resampling.NEAREST)
    return MaskedPicture(small, mask)


def probed_pictures(
    picture: MaskedPicture, index: int, repeats: int, seed: int
) -> list[tuple[str, Image.Image]]:
    """(cue, changed picture) for every probe that applies to `picture`, `repeats` of each."""
    frame = Frame.from_pil(picture.image, picture.mask)
    out = []
    for number, (cue, probe) in enumerate(PROBES.items()):
        if probe.needs_mask and frame.mask is None:
            continue
        for repeat in range(repeats):
            rng = np.random.default_rng([seed, index, number, repeat])
            out.append((cue, probe.step(frame, rng, probe.change).to_pil_image()))
    return out


def measure_cues(
    embedder: Embedder,
    classifier: Classifier,
    pictures: Sequence[MaskedPicture],
    *,
    repeats: int = 3,
    seed: int = 0,
) -> CueShares:
    """Apply every probe `repeats` times to each picture and count the answers that change.

    One backbone call per picture (the picture and all its probes in one batch): 1 + 5 x `repeats`
    images, about 0.1 s per picture on a 2-core x86 machine at the default 3 repeats.
    """
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats}")
    labels = tuple(classifier.labels)
    probed = dict.fromkeys(CUES, 0)
    flipped = dict.fromkeys(CUES, 0)
    by_label: dict[str, dict[str, list[int]]] = {cue: {} for cue in CUES}
    for index, picture in enumerate(pictures):
        small = shrink(picture, embedder.input_size)
        changed = probed_pictures(small, index, repeats, seed)
        features = embedder.embed([small.image, *(image for _, image in changed)])
        answers = classifier.predict_proba(features).argmax(axis=1)
        base = labels[int(answers[0])]
        for (cue, _), answer in zip(changed, answers[1:], strict=True):
            flip = int(answer != answers[0])
            probed[cue] += 1
            flipped[cue] += flip
            counts = by_label[cue].setdefault(base, [0, 0])
            counts[0] += flip
            counts[1] += 1
    ordered = {
        cue: {label: (counts[label][0], counts[label][1]) for label in labels if label in counts}
        for cue, counts in by_label.items()
        if counts
    }
    return CueShares(probed, flipped, len(pictures), ordered)

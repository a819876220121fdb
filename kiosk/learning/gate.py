"""The quality gate for generated samples: may this generated image teach its class?

The synthetic-data study (docs/architecture.md#research) found that mixing generated images in naively can
hurt. A generated image earns a place in training only if, in the backbone's feature space (cosine
similarity of unit-length features), it is

1. close enough to the real samples of its own class, and
2. closer to its own class than to any other class.

"Close enough" is measured against how spread out the visitor's own photos are, not against one
fixed number: ten photos of the same mug sit tightly together, photos of "any toy car" do not, and
a generated image should be allowed about as far from its class as the class's own photos are from
each other (times `tolerance`). Each real sample's distance to the centroid of the *other* real
samples of its class (leave-one-out, so a sample does not vouch for itself) gives that spread. A
class with a single photo has no spread of its own and borrows the median of the other classes'.
Two limits keep the rule sane at the edges: `min_allowed_distance` (a class of near-identical
photos still lets a recoloured copy in) and `min_similarity` (never accept something unrelated,
however scattered the class is).

A picture made to change one cue on purpose (`CUE_PRESETS`: a new colour, a new background, other
light) is judged by `min_similarity` alone. Its job is to move away from the class's photos along
that cue, and the backbone's features lean on exactly such cues: measured against the photos'
spread, every red apple turned green was "too different", and a model trained red-vs-green still
called a green apple a pear (bench/concept_gap.py: 0 % before and after). Whether such pictures
help is judged where it can be, on the real photos: the train step's real / generated / mixed
check leaves them out when they lower accuracy (`generated_choice.py`).

The reasons are written for the person at the kiosk: they appear on the review screen and in the
coach's "generated images that fail the gate" suggestion.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kiosk.learning.linear_model import unit_rows
from shared.presets import Preset

DEFAULT_TOLERANCE = 2.0
"""A generated image may be this many times as far (cosine distance) from its class centroid as the
class's own photos typically are."""
DEFAULT_MIN_ALLOWED_DISTANCE = 0.15
"""The allowed distance never drops below this, however tightly the real photos cluster."""
DEFAULT_MIN_SIMILARITY = 0.3
"""Below this similarity to its class a generated image never passes."""
SPREAD_QUANTILE = 0.9
"""The class's spread is this quantile of its leave-one-out distances: robust to one odd photo."""
FALLBACK_SPREAD = 0.2
"""Spread for a single-photo class when no class has two photos to measure one from."""
CUE_PRESETS = frozenset({Preset.NEW_COLOUR, Preset.NEW_BACKGROUND, Preset.DIFFERENT_LIGHT})
"""Presets that change one cue on purpose: their pictures need only `min_similarity`."""
PRESET_KEY = "preset"
"""The recipe key naming the preset a generated picture was made with."""


def changes_a_cue(recipe: Mapping[str, Any] | None) -> bool:
    """Whether a generated picture's recipe names a preset of `CUE_PRESETS`."""
    return (recipe or {}).get(PRESET_KEY) in CUE_PRESETS


@dataclass(frozen=True)
class GateVerdict:
    """The gate's answer for one generated sample."""

    passed: bool
    own_similarity: float
    """Cosine similarity to the centroid of the real samples of its own class (nan if there are none)."""
    other_label: str | None
    """The most similar other class, or None when there is no other class."""
    other_similarity: float
    """Cosine similarity to that class's centroid (nan when there is no other class)."""
    reason: str
    """One sentence a visitor can read."""


@dataclass(frozen=True)
class _RealClass:
    centroid: np.ndarray
    """Unit-length mean direction of the class's real samples."""
    spread: float | None
    """Typical cosine distance of a real sample to the rest of its class; None with one sample."""


def _centroid(rows: np.ndarray) -> np.ndarray:
    return unit_rows(rows.mean(axis=0, keepdims=True))[0]


def _spread(rows: np.ndarray) -> float | None:
    """The SPREAD_QUANTILE of leave-one-out cosine distances to the class centroid."""
    n = len(rows)
    if n < 2:
        return None
    others = unit_rows((rows.sum(axis=0, keepdims=True) - rows) / (n - 1))
    distances = 1.0 - np.einsum("ij,ij->i", rows, others)
    return float(np.quantile(distances, SPREAD_QUANTILE))


def _real_classes(features: np.ndarray, labels: list[str]) -> dict[str, _RealClass]:
    label_array = np.array(labels, dtype=object)
    classes = {}
    for label in sorted(set(labels)):
        rows = features[label_array == label]
        classes[label] = _RealClass(centroid=_centroid(rows), spread=_spread(rows))
    return classes


def _as_features(name: str, features: np.ndarray, labels: Sequence[str]) -> np.ndarray:
    array = np.asarray(features, dtype=np.float32)
    if array.ndim != 2:
        raise ValueError(f"{name} features must be a 2-D array (samples x dimensions), got {array.shape}")
    if array.shape[0] != len(labels):
        raise ValueError(f"{name}: {array.shape[0]} feature rows but {len(labels)} labels")
    return array


def gate_generated(
    real_features: np.ndarray,
    real_labels: Sequence[str],
    generated_features: np.ndarray,
    generated_labels: Sequence[str],
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    min_allowed_distance: float = DEFAULT_MIN_ALLOWED_DISTANCE,
    min_similarity: float = DEFAULT_MIN_SIMILARITY,
    cue_changed: Sequence[bool] | None = None,
) -> list[GateVerdict]:
    """One verdict per generated row, in order; `cue_changed[i]` marks a row made to change a cue
    (see the module docstring), judged by `min_similarity` alone.

    Real features must be finite (they come from the visitor's own photos; NaN there is a bug to
    report, not a sample to skip). A generated row with NaN or infinity, or with no real samples of
    its class to compare with, fails with a reason instead of raising: one bad image must not stop
    the review of the others.
    """
    real_labels = [str(label) for label in real_labels]
    generated_labels = [str(label) for label in generated_labels]
    real = _as_features("real", real_features, real_labels)
    generated = _as_features("generated", generated_features, generated_labels)
    if len(real) and len(generated) and real.shape[1] != generated.shape[1]:
        raise ValueError(
            f"real features have {real.shape[1]} dimensions but generated ones {generated.shape[1]}: "
            "were they made by different backbones?"
        )
    if not np.isfinite(real).all():
        raise ValueError("real features contain NaN or infinity")
    if not tolerance > 0 or not 0 <= min_allowed_distance <= 2 or not -1 <= min_similarity <= 1:
        raise ValueError("tolerance must be > 0, min_allowed_distance in [0, 2], min_similarity in [-1, 1]")

    classes = _real_classes(unit_rows(real), real_labels)
    measured = [c.spread for c in classes.values() if c.spread is not None]
    borrowed_spread = float(np.median(measured)) if measured else FALLBACK_SPREAD
    centroids = np.stack([c.centroid for c in classes.values()]) if classes else np.zeros((0, 0))
    names = list(classes)

    finite = np.isfinite(generated).all(axis=1)
    unit = unit_rows(np.where(finite[:, None], generated, 0.0))
    similarities = unit @ centroids.T if classes else np.zeros((len(generated), 0))

    changed = [False] * len(generated) if cue_changed is None else list(cue_changed)
    if len(changed) != len(generated):
        raise ValueError(f"cue_changed has {len(changed)} entries for {len(generated)} generated rows")
    verdicts = []
    for row, label in enumerate(generated_labels):
        if not finite[row]:
            verdicts.append(
                _fail(f"This {label} image could not be analysed (its features are not numbers).")
            )
            continue
        if label not in classes:
            verdicts.append(_fail(f"There are no real {label} photos yet to compare this image with."))
            continue
        own_index = names.index(label)
        own = float(similarities[row, own_index])
        other_label, other = None, float("nan")
        if len(names) > 1:
            rest = np.delete(similarities[row], own_index)
            best = int(rest.argmax())
            other_label, other = [n for n in names if n != label][best], float(rest[best])
        spread = classes[label].spread
        allowed = max(min_allowed_distance, tolerance * (borrowed_spread if spread is None else spread))
        needed = min_similarity if changed[row] else max(min_similarity, 1.0 - allowed)
        if changed[row] and own >= needed:
            reason = f"Made to change one thing about your {label} photos, and still close enough to them."
            verdicts.append(GateVerdict(True, own, other_label, other, reason))
        elif own < needed:
            reason = (
                f"Too different from your {label} photos to teach {label} "
                f"(similarity {own:.2f}, needs {needed:.2f})."
            )
            verdicts.append(GateVerdict(False, own, other_label, other, reason))
        elif other_label is not None and other >= own:
            reason = f"Looks more like {other_label} than {label}, so it could confuse the two."
            verdicts.append(GateVerdict(False, own, other_label, other, reason))
        else:
            reason = f"Close to your {label} photos and closer to them than to any other class."
            verdicts.append(GateVerdict(True, own, other_label, other, reason))
    return verdicts


def _fail(reason: str) -> GateVerdict:
    return GateVerdict(
        passed=False,
        own_similarity=float("nan"),
        other_label=None,
        other_similarity=float("nan"),
        reason=reason,
    )

"""The facts the coach's rules read: small, precomputed, so every rule is a cheap pure function.

The expensive parts (colour and background histograms, the cross-validated cue classifiers, the
model's out-of-fold evaluation) are computed once by `kiosk.coach.build.build_state`; the rules then
only compare numbers, so the whole rule pass costs well under a millisecond.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from kiosk.learning.cues import CueShares
from kiosk.learning.evaluate import Evaluation


class Cue(StrEnum):
    """A property of a picture that can tell classes apart without the object's shape."""

    COLOUR = "colour"
    """Colours of the object (of the whole picture where there is no mask)."""
    BACKGROUND = "background"
    """Colours around the object (only pictures with a mask)."""


@dataclass(frozen=True)
class GateTally:
    """How a class's generated images fared at the quality gate."""

    passed: int = 0
    failed: int = 0

    def __post_init__(self) -> None:
        if self.passed < 0 or self.failed < 0:
            raise ValueError(f"gate counts cannot be negative: {self}")


@dataclass(frozen=True)
class PairSeparation:
    """How well one classifier tells each pair of classes apart, from its out-of-fold probabilities.

    For the pictures of two classes, the share whose probability for their own class beats the one
    for the other class of the pair (a tie counts half): the choice between the two alone, which is
    what "tells them apart" means. Read from a confusion matrix instead, a picture given to a third
    class counted as told apart, so a probe that called every picture "ball" seemed to tell "box"
    from "cup" perfectly.
    """

    labels: tuple[str, ...]
    """The classes the classifier was trained on."""
    shares: Mapping[frozenset[str], float]
    """Share of the pair's pictures decided right, by pair; pairs without pictures of both are missing."""

    def of(self, first: str, second: str) -> float | None:
        return self.shares.get(frozenset((first, second)))


@dataclass(frozen=True)
class Margin:
    """How close the model came to a wrong answer for one real picture while it was held out."""

    label: str
    """The picture's class."""
    margin: float
    """Its own class's probability minus the strongest other class's: below 0 the answer was wrong,
    near 0 the model hesitated."""
    rival: str
    """That strongest other class."""


@dataclass(frozen=True)
class CoachState:
    classes: tuple[str, ...]
    """Every class of the project, empty ones included, in display order."""
    counts: Mapping[str, int]
    """Real (camera or imported) samples per class; generated ones train but do not count here."""
    evaluation: Evaluation | None = None
    """The backbone classifier scored out-of-fold on real samples; None before there is one."""
    separation: PairSeparation | None = None
    """The same classifier's pair separations; None where its probabilities were not at hand."""
    margins: tuple[Margin, ...] = ()
    """The same classifier's margin on each real picture; empty where its probabilities were not
    at hand."""
    cues: Mapping[Cue, PairSeparation] = field(default_factory=dict)
    """Pair separations of a classifier that sees only one cue's histogram (missing where not
    measurable)."""
    gate: Mapping[str, GateTally] = field(default_factory=dict)
    """Generated images per class that passed or failed the quality gate."""
    samples_since_training: int | None = None
    """Real samples added since the current model was trained; None when there is no model."""
    model_cues: CueShares | None = None
    """How often a new colour, background, angle, light or blur changed the current model's answers
    on the project's photos (`kiosk/coach/model_cues.py`); None without a model or not measured."""

    def __post_init__(self) -> None:
        if len(set(self.classes)) != len(self.classes):
            raise ValueError(f"class names must be unique, got {list(self.classes)}")
        unknown = (set(self.counts) | set(self.gate)) - set(self.classes)
        if unknown:
            raise ValueError(f"counts or gate name classes the project does not have: {sorted(unknown)}")
        if any(count < 0 for count in self.counts.values()):
            raise ValueError("sample counts cannot be negative")
        if self.samples_since_training is not None and self.samples_since_training < 0:
            raise ValueError("samples_since_training cannot be negative")

    def count(self, label: str) -> int:
        return self.counts.get(label, 0)


def pair_mix(evaluation: Evaluation, first: str, second: str) -> tuple[int, int] | None:
    """(pictures of either class taken for the other, pictures of both) or None if one is missing.

    Mistakes towards a third class do not count: the question is whether these two are mixed up,
    which makes a multi-class evaluation answer it for every pair at once. (Whether they are told
    apart is `PairSeparation`'s question.)
    """
    index = {label: i for i, label in enumerate(evaluation.labels)}
    if first not in index or second not in index:
        return None
    i, j = index[first], index[second]
    total = sum(evaluation.confusion[i]) + sum(evaluation.confusion[j])
    if not sum(evaluation.confusion[i]) or not sum(evaluation.confusion[j]):
        return None
    return evaluation.confusion[i][j] + evaluation.confusion[j][i], total

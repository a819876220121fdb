"""Building the coach's state from a project's arrays: the heavy half of the coach.

Cost (bench/coach.py, README section "coach.py"): the histograms take 1 to 2 ms per picture (at most
4k pixels each, whatever the image size), and each of the two cue probes is one run of the kiosk's
own trainer (`train_linear_svm`: 4 C values x up to 5 folds) on 75-number rows, so a whole state
costs about as much as one training run on the backbone features: a few tenths of a second for
tens of pictures on a 2-core machine. Without an `evaluation` or a `fit`, the model's out-of-fold
evaluation adds one more such run. Fine in a worker after every capture, not on the UI thread;
`suggest` on the finished state takes about 0.1 ms.

Only real samples belong here (docs/architecture.md#learning: generated images train, never judge); how the
generated ones fared is passed in as gate tallies.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from itertools import combinations
from typing import NamedTuple, Protocol

import numpy as np

from kiosk.coach.config import CoachConfig
from kiosk.coach.histograms import object_and_background
from kiosk.coach.state import CoachState, Cue, GateTally, Margin, PairSeparation
from kiosk.learning.evaluate import Evaluation, evaluate_predictions
from kiosk.learning.svm import SvmFit, train_linear_svm


class Verdict(Protocol):
    """What the coach needs of a quality-gate verdict (`kiosk.learning.gate.GateVerdict`)."""

    @property
    def passed(self) -> bool: ...


def tally_gate(labels: Sequence[str], verdicts: Iterable[Verdict]) -> dict[str, GateTally]:
    """Gate tallies per class from the class of each generated image and its verdict."""
    passed: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    verdicts = list(verdicts)
    if len(verdicts) != len(labels):
        raise ValueError(f"need one class per verdict, got {len(labels)} for {len(verdicts)}")
    for label, verdict in zip(labels, verdicts, strict=True):
        (passed if verdict.passed else failed)[str(label)] += 1
    return {label: GateTally(passed[label], failed[label]) for label in passed.keys() | failed.keys()}


class OutOfFold(NamedTuple):
    """A classifier's out-of-fold answers, scored (for the confused pairs), pair by pair (for the
    shortcuts) and picture by picture (for what to capture next)."""

    evaluation: Evaluation
    separation: PairSeparation
    margins: tuple[Margin, ...]


def cross_validated(
    rows: np.ndarray, labels: Sequence[str], min_per_class: int, seed: int
) -> OutOfFold | None:
    """Out-of-fold answers of the kiosk's trainer on `rows`, over the classes with enough of them.

    None when fewer than two classes have `min_per_class` rows, or the trainer could not hold any out.
    """
    labels = np.asarray([str(label) for label in labels], dtype=object)
    counts = Counter(labels.tolist())
    keep = np.array([counts[label] >= min_per_class for label in labels], dtype=bool)
    if len({label for label in counts if counts[label] >= min_per_class}) < 2:
        return None
    fit = train_linear_svm(rows[keep], labels[keep].tolist(), seed=seed)
    return out_of_fold(fit, labels[keep].tolist())


def out_of_fold(fit: SvmFit, labels: Sequence[str]) -> OutOfFold | None:
    """What `fit` answered for its own rows (`labels`, in order) while they were held out."""
    if fit.oof_proba is None:
        return None
    if len(fit.oof_proba) != len(labels):
        raise ValueError(
            f"the fit has out-of-fold predictions for {len(fit.oof_proba)} rows, "
            f"not the {len(labels)} real samples given: train it on exactly these samples"
        )
    return OutOfFold(
        evaluate_predictions(labels, fit.oof_proba, fit.model.labels),
        pair_separation(labels, fit.oof_proba, fit.model.labels),
        held_out_margins(labels, fit.oof_proba, fit.model.labels),
    )


def held_out_margins(
    labels: Sequence[str], probabilities: np.ndarray, model_labels: Sequence[str]
) -> tuple[Margin, ...]:
    """Each picture's `Margin` from (n, model_labels) probabilities of n pictures of `labels`."""
    names = [str(label) for label in model_labels]
    if len(names) < 2:
        return ()
    column = {name: index for index, name in enumerate(names)}
    out = []
    for label, row in zip(labels, np.asarray(probabilities, dtype=np.float64), strict=True):
        own = column[str(label)]
        others = np.delete(row, own)
        strongest = int(np.argmax(others))
        rival = names[strongest + (strongest >= own)]
        out.append(Margin(str(label), float(row[own] - others[strongest]), rival))
    return tuple(out)


def pair_separation(
    labels: Sequence[str], probabilities: np.ndarray, model_labels: Sequence[str]
) -> PairSeparation:
    """Every pair's separation (`PairSeparation`) from (n, model_labels) probabilities of n pictures."""
    labels = np.asarray([str(label) for label in labels], dtype=object)
    column = {str(label): index for index, label in enumerate(model_labels)}
    shares = {}
    for first, second in combinations(column, 2):
        is_first, is_second = labels == first, labels == second
        if not is_first.any() or not is_second.any():
            continue
        rows = is_first | is_second
        to_first = probabilities[rows, column[first]] - probabilities[rows, column[second]]
        own = np.where(is_first[rows], to_first, -to_first)  # > 0: the picture's own class wins
        shares[frozenset((first, second))] = float(np.mean((own > 0) + 0.5 * (own == 0)))
    return PairSeparation(tuple(column), shares)


def build_state(
    classes: Sequence[str],
    images: Sequence[np.ndarray],
    labels: Sequence[str],
    *,
    masks: Sequence[np.ndarray | None] | None = None,
    features: np.ndarray | None = None,
    fit: SvmFit | None = None,
    evaluation: Evaluation | None = None,
    gate: Mapping[str, GateTally] | None = None,
    samples_since_training: int | None = None,
    config: CoachConfig | None = None,
) -> CoachState:
    """The coach's state for a project's real samples.

    `images` are uint8 RGB (or grey) arrays of any size, one per entry of `labels`; `masks` (bool or
    0/255, same size, None for a picture without one) tell object from background. The model's
    out-of-fold answers come from `fit` (an `SvmFit` trained on exactly these samples, in this
    order), else they are computed from `features` (n, dim); a ready `evaluation` stands in for them
    without their probabilities, which the shortcut rules need. With none of them the state has no
    model evaluation and the rules that compare against the model stay silent.
    """
    config = config or CoachConfig()
    labels = [str(label) for label in labels]
    classes = tuple(str(name) for name in classes)
    if len(images) != len(labels):
        raise ValueError(f"need one label per image, got {len(labels)} labels for {len(images)} images")
    if masks is not None and len(masks) != len(images):
        raise ValueError(f"need one mask (or None) per image, got {len(masks)} for {len(images)} images")
    if unknown := set(labels) - set(classes):
        raise ValueError(f"samples are labelled with classes the project does not have: {sorted(unknown)}")

    probe = config.probe
    colour, background = [], []
    for row, image in enumerate(images):
        mask = None if masks is None else masks[row]
        try:
            inside, outside = object_and_background(image, mask, probe.max_pixels)
        except ValueError as exc:
            raise ValueError(f"sample {row} ({labels[row]!r}): {exc}") from None
        colour.append(inside)
        background.append(outside)

    cues: dict[Cue, PairSeparation] = {}
    if labels:
        found = cross_validated(np.stack(colour), labels, probe.min_samples_per_class, probe.seed)
        if found is not None:
            cues[Cue.COLOUR] = found.separation
    masked = [row for row, histogram in enumerate(background) if histogram is not None]
    if masked:
        found = cross_validated(
            np.stack([background[row] for row in masked]),
            [labels[row] for row in masked],
            probe.min_samples_per_class,
            probe.seed,
        )
        if found is not None:
            cues[Cue.BACKGROUND] = found.separation

    separation, margins = None, ()
    if evaluation is None and (fit is not None or features is not None):
        model = (
            out_of_fold(fit, labels) if fit is not None else _model_out_of_fold(features, labels, probe.seed)
        )
        if model is not None:
            evaluation, separation, margins = model

    return CoachState(
        classes=classes,
        counts={name: labels.count(name) for name in classes},
        evaluation=evaluation,
        separation=separation,
        margins=margins,
        cues=cues,
        gate=dict(gate or {}),
        samples_since_training=samples_since_training,
    )


def _model_out_of_fold(features: np.ndarray, labels: Sequence[str], seed: int) -> OutOfFold | None:
    features = np.asarray(features)
    if features.ndim != 2 or len(features) != len(labels):
        raise ValueError(f"need one feature row per sample, got {features.shape} for {len(labels)}")
    return cross_validated(features, labels, 2, seed)

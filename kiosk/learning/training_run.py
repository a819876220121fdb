"""The train step's work: train on the project, then say in plain words how good the model is.

    run = TrainingRun(project, backbone)
    reason = training_refusal(project)  # None, or why training cannot start yet, for the visitor
    report = run.run(on_progress)       # blocks (a second to a minute): call it from a worker thread

Scores come from real photos only (docs/architecture.md#learning): accuracy, per class and the confusion
matrix are the trainer's out-of-fold predictions on them. When there are generated pictures that
passed review and the gate, the three-way check of the synthetic-data study runs first, on the
cached features: real-only, generated-only and mixed, each scored on held-out real photos. Its
verdict decides what the new model trains on (`generated_choice.py`: pictures that lower accuracy on
the visitor's photos are left out) and becomes one sentence ("the generated images helped: +12
points", or "... so this model leaves them out"). That sentence is what tells a visitor whether the
pictures they accepted on the expand step were worth it. The report also says what changed against
the model in use before (`history.py`) and names it, so the screen can offer to go back to it.

A project with one class teaches an anomaly model from its good parts instead
(`project_anomaly.py`): its result is the share of good parts a model without them would not flag.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from kiosk.features.backbone import Backbone
from kiosk.learning.comparison import Comparison, compare_training_sets
from kiosk.learning.config import TrainingConfig
from kiosk.learning.evaluate import Miss
from kiosk.learning.generated_choice import GeneratedChoice, choose_generated
from kiosk.learning.history import VersionChanges, changes_of
from kiosk.learning.project_anomaly import (
    AnomalyProjectTraining,
    anomaly_refusal,
    is_anomaly_project,
    train_project_anomaly,
)
from kiosk.learning.project_training import (
    PreparedTraining,
    ProjectTraining,
    fit_prepared,
    prepare_training,
)
from kiosk.learning.svm import TrainingError
from kiosk.learning.version_words import changes_words
from kiosk.store import PHOTO_SOURCES, PHOTO_STATUSES, Project

MIN_CLASSES = 2


@dataclass(frozen=True)
class Progress:
    """Where a training run is, for the progress bar."""

    stage: str
    """"features", "views", "comparison" or "training", in that order."""
    words: str
    fraction: float
    """Of the whole run, 0 to 1."""


ProgressCallback = Callable[[Progress], None]

_STAGES: dict[str, tuple[float, float, str]] = {
    "features": (0.0, 0.4, "Looking at your photos"),
    "views": (0.0, 0.4, "Looking at your photos"),
    "comparison": (0.4, 0.7, "Checking whether the new pictures help"),
    "training": (0.7, 1.0, "Teaching the computer"),
}


def progress_of(stage: str, done: int, total: int) -> Progress:
    """A trainer report (stage, done, total) as words and a share of the whole run."""
    start, end, words = _STAGES.get(stage, (0.0, 1.0, "Working"))
    share = done / total if total else 1.0
    return Progress(stage, f"{words} ({done} of {total})", start + (end - start) * min(1.0, share))


@dataclass(frozen=True)
class ClassScore:
    label: str
    accuracy: float | None
    """Share of the class's real photos recognised; None when none could be held out."""
    photos: int


@dataclass(frozen=True)
class TrainingReport:
    """What the train step shows after a run."""

    accuracy: float | None
    """On real photos the model did not train on; None with too few photos to hold any out."""
    accuracy_words: str
    per_class: tuple[ClassScore, ...]
    labels: tuple[str, ...]
    confusion: tuple[tuple[int, ...], ...]
    """confusion[i][j]: real photos of labels[i] the model took for labels[j]."""
    misses: tuple[Miss, ...]
    """Misclassified real photos (`Miss.sample` is the sample id), most confident mistakes first."""
    comparison: Comparison | None
    comparison_words: str
    gate_words: str
    model_id: int
    """The new version (the store's model id): the current model now."""
    generated: GeneratedChoice
    """Whether the new model trained on the generated pictures that passed the gate."""
    changes: VersionChanges | None
    """Against the version in use before (None for the project's first model)."""
    changes_words: str

    @property
    def previous(self) -> int | None:
        """The version in use before this training: what "go back" returns to."""
        return None if self.changes is None else self.changes.previous


def comparison_words(comparison: Comparison | None, choice: GeneratedChoice | None = None) -> str:
    """The real-only / generated-only / mixed check in one or two sentences; `choice` says whether the
    model left the pictures out because of it."""
    if comparison is None or comparison.generated_count == 0:
        return "No generated pictures yet: the model learned from your photos only."
    gain = comparison.mixed_gain
    if gain is None:
        reason = comparison.mixed.skipped or comparison.real_only.skipped or "too few photos"
        return f"Whether the generated pictures help cannot be measured yet: {reason}."
    points = round(gain * 100)
    real = comparison.real_only.evaluation
    mixed = comparison.mixed.evaluation
    assert real is not None and mixed is not None
    scores = f"photos only {real.accuracy:.0%}, with generated {mixed.accuracy:.0%}"
    if choice is not None and not choice.keep:
        verdict = (
            f"The new pictures lowered accuracy on your photos ({choice.points} points), "
            "so this model leaves them out."
        )
    elif points > 0:
        verdict = f"The generated pictures helped: +{points} points ({scores})."
    elif points < 0 and choice is not None and choice.checks > 1:
        verdict = (
            f"The generated pictures hurt: {points} points ({scores}), but not when other photos were "
            "held out, so this model keeps them."
        )
    elif points < 0:
        verdict = f"The generated pictures hurt: {points} points ({scores}). Keep fewer, closer ones."
    else:
        verdict = f"The generated pictures made no difference ({scores})."
    alone = comparison.generated_only.evaluation
    if alone is not None:
        verdict += f" Trained on generated pictures alone: {alone.accuracy:.0%} on your photos."
    return verdict


def accuracy_words(accuracy: float | None, count: int) -> str:
    if accuracy is None:
        return "Too few photos to test the model yet: take at least two of every class."
    return f"Right on {accuracy:.0%} of your {count} photos (each tested on a model that had not seen it)."


def training_refusal(project: Project) -> str | None:
    """Why the project cannot train yet, in words for the visitor; None when it can. Reads counts
    only (no backbone), so the screen can ask before it starts a worker."""
    if is_anomaly_project(project):
        return anomaly_refusal(project)
    counts = project.counts(source=PHOTO_SOURCES, status=PHOTO_STATUSES)
    labels = {info.id: info.label for info in project.classes()}
    ready = [labels[cid] for cid, count in counts.items() if count > 0]
    if len(ready) >= MIN_CLASSES:
        return None
    if len(labels) < MIN_CLASSES:
        return "Training needs at least two classes: add another class first."
    empty = ", ".join(label for cid, label in labels.items() if not counts.get(cid))
    return f"Training needs photos of at least two classes: take photos of {empty}."


def compare_prepared(prepared: PreparedTraining, config: TrainingConfig, split: int = 0) -> Comparison:
    """Real-only vs generated-only vs mixed on the prepared rows; `split` picks another fold split
    (the seed is offset by it) for a second opinion."""
    rows = prepared.real_rows + prepared.passed_rows
    return compare_training_sets(
        rows.features,
        rows.labels,
        ~np.asarray(rows.real),
        rows.groups,
        names=rows.names,
        generated_weight=config.generated_weight,
        max_folds=config.folds,
        seed=config.seed + split,
    )


class TrainingRun:
    """One press of the train button; safe to run on a worker thread beside the UI."""

    def __init__(self, project: Project, backbone: Backbone, config: TrainingConfig | None = None) -> None:
        self.project = project
        self.backbone = backbone
        self.config = config

    def run(self, on_progress: ProgressCallback | None = None) -> TrainingReport:
        """Prepare, compare, train (without the generated pictures when they hurt), record the model
        as the current one and report. Raises `TrainingRefused` (plain words) when the project
        cannot train yet."""
        report = on_progress or (lambda _progress: None)
        reason = training_refusal(self.project)
        if reason is not None:
            raise TrainingRefused(reason)
        config = self.config or TrainingConfig()

        def progress(stage: str, done: int, total: int) -> None:
            report(progress_of(stage, done, total))

        try:
            if is_anomaly_project(self.project):
                return anomaly_report(train_project_anomaly(self.project, self.backbone, config, progress))
            prepared = prepare_training(self.project, self.backbone, config, progress)
            if len(prepared.passed_rows):
                report(progress_of("comparison", 0, 1))
                comparison = compare_prepared(prepared, config)
                report(progress_of("comparison", 1, 1))
            else:
                comparison = None  # nothing passed review and the gate: nothing to compare
            choice = choose_generated(comparison, lambda split: compare_prepared(prepared, config, split))
            record: dict[str, Any] = {"generated": choice.as_json()}
            if comparison is not None:
                record["comparison"] = comparison.summary()
            trained = fit_prepared(
                self.project,
                self.backbone,
                prepared,
                config,
                progress,
                use_generated=choice.keep,
                record=record,
            )
        except TrainingError as exc:
            raise TrainingRefused(f"Training could not start: {exc}.") from exc
        return self._report(trained, comparison, choice)

    @staticmethod
    def _report(
        trained: ProjectTraining, comparison: Comparison | None, choice: GeneratedChoice
    ) -> TrainingReport:
        evaluation = trained.outcome.evaluation
        counts = trained.outcome.counts
        checked, passed = len(trained.verdicts), sum(v.passed for v in trained.verdicts.values())
        gate = (
            f"{passed} of {checked} accepted generated pictures were close enough to your photos to teach."
            if checked
            else "No accepted generated pictures to check."
        )
        labels = tuple(counts) if evaluation is None else evaluation.labels
        changes = changes_of(trained.version)
        per_class = tuple(
            ClassScore(
                label,
                None if evaluation is None else evaluation.per_class.get(label),
                counts.get(label, {}).get("real", 0),
            )
            for label in labels
        )
        return TrainingReport(
            accuracy=None if evaluation is None else evaluation.accuracy,
            accuracy_words=accuracy_words(
                None if evaluation is None else evaluation.accuracy,
                0 if evaluation is None else evaluation.count,
            ),
            per_class=per_class,
            labels=labels,
            confusion=() if evaluation is None else evaluation.confusion,
            misses=() if evaluation is None else evaluation.misses,
            comparison=comparison,
            comparison_words=comparison_words(comparison, choice),
            gate_words=gate,
            model_id=trained.version.id,
            generated=choice,
            changes=changes,
            changes_words=changes_words(changes),
        )


def anomaly_report(trained: AnomalyProjectTraining) -> TrainingReport:
    """The Train step's report of an anomaly model: no classes to confuse, no generated pictures."""
    label, count = trained.model.labels[0], len(trained.fit.oof_scores)
    changes = changes_of(trained.version)
    return TrainingReport(
        accuracy=trained.good_kept,
        accuracy_words=trained.words(),
        per_class=(ClassScore(label, trained.good_kept, count),),
        labels=(),  # the confusion matrix's: one class has nothing to be confused with
        confusion=(),
        misses=(),
        comparison=None,
        comparison_words="Taught from good parts only: generated pictures are not used.",
        gate_words="",
        model_id=trained.version.id,
        generated=GeneratedChoice(keep=False, photos_lost=None, points=None),
        changes=changes,
        changes_words=changes_words(changes),
    )


class TrainingRefused(ValueError):
    """The project cannot train yet; the message says what to do, for the visitor."""

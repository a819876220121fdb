"""What the assistant knows about the visitor's project: the coach's state, its advice, the model's scores.

Both kinds of answer are grounded in the same facts: the offline answers are sentences built from
them, and a language model gets them as compact JSON in its system prompt and is told to use
nothing else. The scores are the current model's own training report (held-out real photos,
`kiosk/learning/trainer.py`): the model the Try step runs, not the coach's fresh cross-validation
of data the model may not have seen yet. What it decides by is the coach's measurement of that same
model (`kiosk/coach/model_cues.py`).

`gather_facts` is the heavy half (the coach's `project_state`: features of new photos, histograms,
probes), for a worker thread; `facts_of` only reads numbers, so tests build facts from a state.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kiosk.coach import suggest
from kiosk.coach.project_state import project_state
from kiosk.coach.state import CoachState
from kiosk.coach.suggestion import Suggestion
from kiosk.learning.cues import CueShares
from kiosk.session import KioskSession

ADVICE = 3
"""The coach's suggestions kept, best first: the first is "what next", the others context."""
MIX_UPS = 5
"""Mix-ups kept, most frequent first: enough for any question, small enough for a short prompt."""


@dataclass(frozen=True)
class MixUp:
    """Held-out photos of `true` the model took for `said`."""

    true: str
    said: str
    count: int
    of: int
    """Held-out photos of `true` in all."""


@dataclass(frozen=True)
class ModelScores:
    """The current model's scores on real photos it had not seen while it learned."""

    accuracy: float
    held_out: int
    per_class: Mapping[str, float | None]
    mix_ups: tuple[MixUp, ...]


@dataclass(frozen=True)
class ProjectFacts:
    classes: tuple[str, ...]
    photos: Mapping[str, int]
    """Real photos per class (generated pictures train, but are not photos)."""
    trained: bool
    """Whether there is a current model at all."""
    scores: ModelScores | None
    """None without a model, or for one trained on too few photos to hold any out."""
    cues: CueShares | None
    """How often a new colour, background, angle, light or blur changed the model's answers."""
    photos_since_training: int | None
    advice: tuple[Suggestion, ...]
    said: str | None = None
    """The class the Try step last answered, when the visitor asks from there."""

    @property
    def dominant_cue(self) -> tuple[str, float] | None:
        """The cue the model goes by, with the share of answers its change overturned, if there is one."""
        if self.cues is None or (cue := self.cues.dominant()) is None:
            return None
        return cue, self.cues.share[cue] or 0.0

    def as_json(self) -> dict[str, Any]:
        """The facts as a language model reads them: short keys, rounded numbers, nothing internal."""
        scores = self.scores
        facts: dict[str, Any] = {
            "classes": {
                label: {"photos": self.photos.get(label, 0)}
                | ({"right": _share(scores.per_class.get(label))} if scores else {})
                for label in self.classes
            },
            "trained": self.trained,
        }
        if scores is not None:
            facts["held_out_photos"] = scores.held_out
            facts["accuracy"] = _share(scores.accuracy)
            facts["mix_ups"] = [f"{m.count} of {m.of} {m.true} taken for {m.said}" for m in scores.mix_ups]
        if self.cues is not None:
            facts["answers_changed_by_new"] = {cue: _share(share) for cue, share in self.cues.share.items()}
        if self.photos_since_training:
            facts["photos_since_training"] = self.photos_since_training
        if self.said is not None:
            facts["last_answer"] = self.said
        facts["coach_advice"] = [suggestion.reason for suggestion in self.advice]
        return facts


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def facts_of(
    state: CoachState,
    advice: Sequence[Suggestion],
    model_metrics: Mapping[str, Any] | None,
    said: str | None = None,
) -> ProjectFacts:
    """Facts from the coach's state and advice and the current model's metrics (None: no model)."""
    return ProjectFacts(
        classes=state.classes,
        photos={label: state.count(label) for label in state.classes},
        trained=model_metrics is not None,
        scores=None if model_metrics is None else scores_of(model_metrics.get("evaluation")),
        cues=state.model_cues,
        photos_since_training=state.samples_since_training,
        advice=tuple(advice[:ADVICE]),
        said=said,
    )


def scores_of(report: Mapping[str, Any] | None) -> ModelScores | None:
    """The scores in a training report's evaluation (`Evaluation.as_json`), if it has one."""
    if not report or not report.get("count"):
        return None
    labels = report["labels"]
    confusion = report["confusion"]
    mix_ups = sorted(
        (
            MixUp(labels[i], labels[j], count, sum(row))
            for i, row in enumerate(confusion)
            for j, count in enumerate(row)
            if i != j and count
        ),
        key=lambda mix_up: -mix_up.count,
    )
    return ModelScores(report["accuracy"], report["count"], report["per_class"], tuple(mix_ups[:MIX_UPS]))


def gather_facts(session: KioskSession, said: str | None = None) -> ProjectFacts:
    """The facts of the project as it is now (blocking: a worker thread calls it)."""
    project = session.project
    state = project_state(project, session.backbone)
    current = next((model for model in project.models() if model.current), None)
    return facts_of(state, suggest(state), None if current is None else current.metrics, said)

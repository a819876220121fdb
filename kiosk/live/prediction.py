"""What the Try step computes on its camera thread: the current model's answer for a frame.

The model is the project's current one (`latest_good_model`), refused if it was trained on another
backbone. A frame is judged on the masker's crop of the object when it found one, and on the whole
frame otherwise, so the visitor sees the same input the training photos were: crops of objects.
An answer is one of three kinds a visitor can trust: nothing is judged when the masker says the
scene is empty ("I don't see anything"); the model's open-set rule (`kiosk/learning/open_set.py`)
turns an answer into "Not sure: is it A or B?" or "I don't know this one"; otherwise its label.
The saliency overlay draws `occlusion_saliency`'s heat map over that input, in the colour of
`HEAT_COLOURS` farthest from what it covers; it costs ~50 backbone runs, so it is computed for one
frame on request, not for every frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from kiosk.features.backbone import Backbone
from kiosk.learning.model_dir import TrainedModel, load_model
from kiosk.learning.open_set import Rejection
from kiosk.learning.saliency import occlusion_saliency
from kiosk.live.view import kept_sample
from kiosk.masking import MaskResult
from kiosk.store import Project

HEAT_COLOURS = {
    "Red": (255, 40, 40),
    "Yellow": (255, 230, 0),
    "Green": (40, 220, 40),
    "Cyan": (0, 230, 255),
    "Blue": (40, 90, 255),
    "Magenta": (255, 0, 255),
}
"""The saliency overlay's colours: the one farthest from what it covers is used, so the heat shows on
a red ball (in cyan) as well as on a blue box (in yellow)."""
HEAT_SHARE = 0.6
EMPTY_SCENE = frozenset({"learning_background", "nothing_changed"})
"""The masker's verdicts that the stage is empty (`MaskResult.outcome`): there is nothing to judge."""


class NoModel(LookupError):
    """The project has no trained model for this backbone yet: the Train step comes first."""


def current_model(project: Project, backbone: Backbone) -> TrainedModel:
    """The model the Try step uses; NoModel when there is none (or none for this backbone)."""
    version = project.latest_good_model(backbone.backbone_id)
    if version is None:
        raise NoModel("There is no trained model yet: go back to Train first.")
    model = load_model(version.path)
    model.check_backbone(backbone)
    return model


@dataclass(frozen=True)
class Answer:
    """The model's answer for one frame."""

    labels: tuple[str, ...]
    probabilities: tuple[float, ...]
    """One per label; empty when nothing was judged (`seen` False)."""
    subject: np.ndarray
    """The pixels judged (the object's crop, or the frame): what a correction stores."""
    mask: np.ndarray | None
    """The object's mask within `subject`, when the masker found one."""
    rejection: Rejection | None = None
    """Why the model withholds its label ("unknown", "unsure"); None when the label stands."""
    seen: bool = True
    """False when the masker saw an empty stage: the model was not asked."""

    @property
    def best(self) -> tuple[str, float]:
        index = int(np.argmax(self.probabilities))
        return self.labels[index], self.probabilities[index]

    @property
    def headline(self) -> str:
        """What the kiosk says about the frame, in a visitor's words."""
        if not self.seen:
            return "I don't see anything."
        if self.rejection is None:
            label, probability = self.best
            return f"It's {label}! ({probability:.0%} sure)"
        if self.rejection.reason == "unsure":
            first, second = self.rejection.candidates
            return f"Not sure: is it {first} or {second}?"
        return "I don't know this one."


def subject_of(frame: np.ndarray, result: MaskResult) -> tuple[np.ndarray, np.ndarray | None]:
    """The crop the masker found (with its mask), as a capture keeps it, or with no object the frame."""
    kept = kept_sample(result)
    return (np.array(frame), None) if kept is None else (kept.image, kept.mask)


def answer(model: TrainedModel, backbone: Backbone, frame: np.ndarray, result: MaskResult) -> Answer:
    subject, mask = subject_of(frame, result)
    if result.outcome in EMPTY_SCENE:
        return Answer(model.labels, (), subject, None, seen=False)
    features = model.features(backbone).embed([subject])
    probabilities = model.classifier.predict_proba(features)[0]
    rejection = None
    if model.open_set is not None:
        rejection = model.open_set.judge(features, probabilities[None], model.labels)[0]
    return Answer(model.labels, tuple(float(p) for p in probabilities), subject, mask, rejection)


def saliency_image(model: TrainedModel, backbone: Backbone, subject: np.ndarray) -> tuple[Image.Image, str]:
    """The model's input with what mattered to its answer painted over, and a caption saying in
    which colour and for what."""
    found = occlusion_saliency(model.features(backbone), model.classifier, subject)
    heat = np.clip(found.heat / max(float(found.heat.max()), 1e-6), 0.0, 1.0)[..., None] * HEAT_SHARE
    original = found.pixels.astype(np.float32)
    name, colour = heat_colour(original, heat[..., 0])
    pixels = original * (1 - heat) + colour * heat
    caption = f"{name}: what made it say {found.label!r} ({found.probability:.0%})"
    return Image.fromarray(pixels.astype(np.uint8)), caption


def heat_colour(pixels: np.ndarray, heat: np.ndarray) -> tuple[str, np.ndarray]:
    """The name and RGB of the overlay colour farthest from the pixels the heat covers most."""
    weights = heat.reshape(-1, 1) + 1e-6
    covered = (pixels.reshape(-1, 3) * weights).sum(axis=0) / weights.sum()
    name = max(HEAT_COLOURS, key=lambda key: float(np.linalg.norm(np.array(HEAT_COLOURS[key]) - covered)))
    return name, np.array(HEAT_COLOURS[name], np.float32)

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

A model taught from good parts only (`kiosk/learning/anomaly.py`) has no classes to choose between:
its answer is "Looks good" or "Anomaly (score ...)", and it carries the patch scores, which cost
nothing more than the answer, so the Try step paints them over every live frame (`heat_over`) in
the same colour choice as the saliency view (`heat_colour`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from kiosk.features.backbone import Backbone, centre_box
from kiosk.learning.anomaly_prediction import GOOD, label_of, part_scores
from kiosk.learning.heatmap import heat_strength, paint_heat
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


Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Unusual:
    """An anomaly model's reading of one part: its score against the good parts, and where."""

    score: float
    """The part's least familiar patch's distance to the good parts' memory bank."""
    threshold: float
    """Above it the part is an anomaly (set from good parts the bank never saw)."""
    label: str
    """The words `teachbooth predict --json` uses: "good", or "anomaly" above the threshold."""
    patch_scores: np.ndarray
    """(h, w) score of every patch of the judged square: the heat map."""
    floor: float
    """Patch scores below this are as familiar as good parts' and paint no heat."""
    box: Box
    """The judged square in the frame's pixels (x0, y0, x1, y1): where the heat belongs."""

    @property
    def flagged(self) -> bool:
        return self.label != GOOD

    def strength(self, size: tuple[int, int]) -> np.ndarray:
        """(height, width) 0..1 heat of the judged square stretched to `size` (height, width)."""
        return heat_strength(self.patch_scores, self.floor, self.threshold, size)


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
    unusual: Unusual | None = None
    """An anomaly model's reading (then `probabilities` is empty); None from a classifier."""

    @property
    def best(self) -> tuple[str, float]:
        index = int(np.argmax(self.probabilities))
        return self.labels[index], self.probabilities[index]

    @property
    def headline(self) -> str:
        """What the kiosk says about the frame, in a visitor's words."""
        if not self.seen:
            return "I don't see anything."
        if self.unusual is not None:
            score, threshold = self.unusual.score, self.unusual.threshold
            if not self.unusual.flagged:
                return "Looks good."
            return f"Anomaly (score {score:.2f}, good parts stay under {threshold:.2f})"
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
    """The model's answer for a camera frame the masker has looked at (`result`)."""
    subject, mask = subject_of(frame, result)
    if result.outcome in EMPTY_SCENE:
        return Answer(model.labels, (), subject, None, seen=False)
    if model.anomaly is not None:
        offset = (0, 0) if mask is None or result.crop_box is None else result.crop_box[:2]
        unusual = read_part(model, backbone, subject, offset)
        return Answer(model.labels, (), subject, mask, unusual=unusual)
    features = model.features(backbone).embed([subject])
    probabilities = model.classifier.predict_proba(features)[0]
    rejection = None
    if model.open_set is not None:
        rejection = model.open_set.judge(features, probabilities[None], model.labels)[0]
    return Answer(model.labels, tuple(float(p) for p in probabilities), subject, mask, rejection)


def read_part(
    model: TrainedModel, backbone: Backbone, subject: np.ndarray, offset: tuple[int, int] = (0, 0)
) -> Unusual:
    """An anomaly model's reading of `subject`, the pixels at `offset` (x, y) in the frame."""
    detector = model.anomaly
    if detector is None:
        raise ValueError(f"{model.path} is a classifier, not an anomaly model")
    model.check_backbone(backbone)
    scores = part_scores(backbone, detector, backbone.preprocess(subject))
    score = float(scores.max())
    height, width = backbone.input_size
    x0, y0, x1, y1 = centre_box(subject.shape[1], subject.shape[0], width, height)
    box = (x0 + offset[0], y0 + offset[1], x1 + offset[0], y1 + offset[1])
    return Unusual(score, detector.threshold, label_of(detector, score), scores, detector.floor, box)


def saliency_image(model: TrainedModel, backbone: Backbone, subject: np.ndarray) -> tuple[Image.Image, str]:
    """The model's input with what mattered to its answer painted over, and a caption saying in
    which colour and for what. For an anomaly model that is its heat map: one backbone run."""
    if model.anomaly is not None:
        pixels = backbone.preprocess(subject)
        unusual = read_part(model, backbone, pixels)
        name, painted = painted_heat(pixels, unusual.strength(pixels.shape[:2]))
        caption = f"{name}: what is unlike the good parts (score {unusual.score:.2f}, {unusual.label})"
        return painted, caption
    found = occlusion_saliency(model.features(backbone), model.classifier, subject)
    heat = np.clip(found.heat / max(float(found.heat.max()), 1e-6), 0.0, 1.0)
    name, painted = painted_heat(found.pixels, heat)
    return painted, f"{name}: what made it say {found.label!r} ({found.probability:.0%})"


def heat_over(preview: Image.Image, found: Answer, frame_size: tuple[int, int]) -> Image.Image:
    """The live `preview` of a frame of `frame_size` (width, height) with an anomaly answer's heat
    painted over the square it judged; unchanged for any other answer."""
    if found.unusual is None or not found.seen:
        return preview
    scale_x, scale_y = preview.width / frame_size[0], preview.height / frame_size[1]
    x0, y0, x1, y1 = found.unusual.box
    left, top = round(x0 * scale_x), round(y0 * scale_y)
    right, bottom = max(left + 1, round(x1 * scale_x)), max(top + 1, round(y1 * scale_y))
    pixels = np.array(preview.convert("RGB"))
    region = pixels[top:bottom, left:right]
    _, painted = painted_heat(region, found.unusual.strength(region.shape[:2]))
    pixels[top:bottom, left:right] = np.asarray(painted)
    return Image.fromarray(pixels)


def painted_heat(pixels: np.ndarray, strength: np.ndarray) -> tuple[str, Image.Image]:
    """`pixels` with `strength` (0..1, their size) painted in the colour farthest from what it covers."""
    name, colour = heat_colour(pixels.astype(np.float32), strength)
    return name, paint_heat(pixels, strength, colour)


def heat_colour(pixels: np.ndarray, heat: np.ndarray) -> tuple[str, np.ndarray]:
    """The name and RGB of the overlay colour farthest from the pixels the heat covers most."""
    weights = heat.reshape(-1, 1) + 1e-6
    covered = (pixels.reshape(-1, 3) * weights).sum(axis=0) / weights.sum()
    name = max(HEAT_COLOURS, key=lambda key: float(np.linalg.norm(np.array(HEAT_COLOURS[key]) - covered)))
    return name, np.array(HEAT_COLOURS[name], np.float32)

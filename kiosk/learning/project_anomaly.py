"""A kiosk project with one class teaches an anomaly model: a line worker's good parts, nothing else.

The rule is the image folder's (`teachbooth train good/`, `folder_training.py`): one class means its
photos are good parts, and the model learns what good looks like, patch by patch
(`anomaly_training.py`), to flag anything unlike them. A second class turns the project back into a
classifier. Only real photos teach: a generated picture of a "good part" is a guess at what good
looks like, and the bank would take its oddities for normal.

The feature maps are not cached in the store as the classifier's vectors are: a map is 87 KB a photo
(14 x 14 x 112 float32) against 5 KB, and a project's good parts embed in seconds, once per training.
A version records what it trained on and its predecessor (`history.py`), so the Train step can go
back; it has no classifier "evaluation" (the share of good parts kept out of fold is its result).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kiosk.features.backbone import Backbone
from kiosk.learning.anomaly import FEATURE_MAP
from kiosk.learning.anomaly_training import MIN_GOOD, AnomalyFit, fit_anomaly
from kiosk.learning.config import TrainingConfig
from kiosk.learning.history import HISTORY_KEY, history_record
from kiosk.learning.model_dir import TrainedModel, save_anomaly_model
from kiosk.learning.project_training import record_version
from kiosk.learning.svm import TrainingError
from kiosk.learning.trainer import TrainingProgress
from kiosk.store import PHOTO_SOURCES, PHOTO_STATUSES, Project
from kiosk.store.models import ModelVersion

ANOMALY_CLASSES = 1
GOOD_PARTS_ONLY = (
    "One class: teach from good parts only, and the model will flag anything unlike them. "
    "Add a second class to tell things apart instead."
)
"""What the Classes and Capture steps say about a one-class project."""


def is_anomaly_project(project: Project) -> bool:
    """Whether training the project makes an anomaly model: it has exactly one class."""
    return len(project.classes()) == ANOMALY_CLASSES


def anomaly_refusal(project: Project) -> str | None:
    """Why a one-class project cannot train yet, for the visitor; None when it can. Counts only."""
    (good,) = project.classes()
    have = project.counts(source=PHOTO_SOURCES, status=PHOTO_STATUSES).get(good.id, 0)
    if have >= MIN_GOOD:
        return None
    return (
        f"Teaching from good parts needs at least {MIN_GOOD} photos of {good.label}: "
        f"take {MIN_GOOD - have} more."
    )


@dataclass(frozen=True)
class AnomalyProjectTraining:
    version: ModelVersion
    model: TrainedModel
    fit: AnomalyFit
    unreadable: dict[str, str]
    """Photos left out because their image could not be read: sample id -> reason."""

    @property
    def good_kept(self) -> float:
        """Share of the good parts not flagged by a model that had not seen them (out of fold)."""
        return float((self.fit.oof_scores <= self.fit.detector.threshold).mean())

    def words(self) -> str:
        """The result in a visitor's words: the only accuracy good parts alone can measure."""
        count = len(self.fit.oof_scores)
        flagged = int((self.fit.oof_scores > self.fit.detector.threshold).sum())
        return (
            f"Learned what good looks like from {count} photos of {self.model.labels[0]}. "
            f"Tested on each with a model that had not seen it, {flagged} would raise a false alarm."
        )


def train_project_anomaly(
    project: Project,
    backbone: Backbone,
    config: TrainingConfig | None = None,
    progress: TrainingProgress | None = None,
) -> AnomalyProjectTraining:
    """Teach the anomaly model of a one-class project's real photos; record it as the current version.

    Raises `TrainingError` for too few readable photos (or a backbone without the mid-level map), and
    `StoreError` when the model cannot be saved (its folder is removed; the previous model stays).
    """
    config = config or TrainingConfig()
    if FEATURE_MAP not in backbone.map_shapes:
        raise TrainingError(f"{backbone.path.name} has no mid-level feature map to find anomalies in")
    (good,) = project.classes()
    samples = project.samples(class_id=good.id, source=PHOTO_SOURCES, status=PHOTO_STATUSES)
    grids, used = [], []
    images = project.iter_images(samples)
    for done, loaded in enumerate(images, start=1):
        found = backbone.embed_maps([backbone.preprocess(loaded.image)])[0]
        grids.append(found.maps[FEATURE_MAP])
        used.append(loaded.sample.id)
        if progress:
            progress("features", done, len(samples))
    unreadable = {problem.sample_id: problem.reason for problem in images.bad if problem.sample_id}
    shape = backbone.map_shapes[FEATURE_MAP]
    fit = fit_anomaly(np.asarray(grids, np.float32).reshape(-1, *shape), seed=config.seed)
    if progress:
        progress("training", 1, 1)
    info = fit.info(kind="anomaly", photos=used, unreadable=unreadable, config=config.model_dump())
    info[HISTORY_KEY] = history_record(project.latest_good_model(backbone.backbone_id), used, [], None)
    model, version = record_version(
        project,
        backbone.backbone_id,
        info,
        lambda folder: save_anomaly_model(folder, fit.detector, backbone, good.label, info),
    )
    return AnomalyProjectTraining(version, model, fit, unreadable)

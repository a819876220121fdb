"""Teaching from good parts only with an image folder, and scoring such a model on a labelled one.

    DATA_DIR/good/*.png              -> teachbooth train DATA_DIR --out MODEL   (one class: anomaly model)
    TEST_DIR/good/, TEST_DIR/crack/  -> teachbooth eval MODEL TEST_DIR          (AUROC, accuracy)

For evaluation the model's own class folder holds the good parts and every other folder counts as
anomalies, whatever its name: a defect has no class to know, so the classifier's rule (a folder the
model does not know is refused) does not apply. Each image is one backbone invoke; its mid-level map
is what the detector reads (`anomaly.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from kiosk.features.backbone import Backbone
from kiosk.learning.anomaly import FEATURE_MAP
from kiosk.learning.anomaly_evaluation import AnomalyEvaluation, evaluate_anomaly
from kiosk.learning.anomaly_training import AnomalyFit, fit_anomaly
from kiosk.learning.config import TrainingConfig
from kiosk.learning.image_folder import DatasetError, ImageFolder, Skipped, UnreadableImage, read_image
from kiosk.learning.model_dir import TrainedModel, save_anomaly_model
from kiosk.learning.trainer import TrainingProgress


@dataclass(frozen=True)
class FolderMaps:
    grids: np.ndarray
    """(n, h, w, channels) float32 mid-level maps of the readable images."""
    labels: tuple[str, ...]
    names: tuple[str, ...]
    skipped: tuple[Skipped, ...]


@dataclass(frozen=True)
class AnomalyTraining:
    model: TrainedModel
    fit: AnomalyFit
    skipped: tuple[Skipped, ...]


def folder_maps(
    folder: ImageFolder,
    backbone: Backbone,
    read: Callable[[Path], Image.Image] = read_image,
    progress: TrainingProgress | None = None,
) -> FolderMaps:
    """The detector's feature map of every readable image of `folder`; unreadable ones are skipped."""
    if FEATURE_MAP not in backbone.map_shapes:
        raise DatasetError(f"{backbone.path.name} has no mid-level feature map to find anomalies in")
    skipped = list(folder.ignored)
    grids, labels, names = [], [], []
    for done, (path, label) in enumerate(folder.files, start=1):
        try:
            pixels = backbone.preprocess(read(path))
        except (UnreadableImage, ValueError) as exc:
            skipped.append(Skipped(path, str(exc)))
        else:
            grids.append(backbone.embed_maps([pixels])[0].maps[FEATURE_MAP])
            labels.append(label)
            names.append(str(path))
        if progress:
            progress("features", done, len(folder.files))
    shape = backbone.map_shapes[FEATURE_MAP]
    return FolderMaps(
        np.asarray(grids, np.float32).reshape(-1, *shape), tuple(labels), tuple(names), tuple(skipped)
    )


def train_anomaly_folder(
    folder: ImageFolder,
    out: str | Path,
    backbone: Backbone,
    config: TrainingConfig,
    progress: TrainingProgress | None = None,
) -> AnomalyTraining:
    """Teach the anomaly model of the one class folder of `folder` (its good parts); write `out`."""
    (good,) = folder.classes
    found = folder_maps(folder, backbone, progress=progress)
    if not len(found.grids):
        raise DatasetError(
            f"{folder.root}: no readable images in {good} ({len(found.skipped)} file(s) skipped)"
        )
    fit = fit_anomaly(found.grids, seed=config.seed)
    training = fit.info(data_dir=str(folder.root), skipped=[item.as_json() for item in found.skipped])
    model = save_anomaly_model(out, fit.detector, backbone, good, training)
    return AnomalyTraining(model, fit, found.skipped)


def evaluate_anomaly_folder(
    model: TrainedModel,
    folder: ImageFolder,
    backbone: Backbone,
    read: Callable[[Path], Image.Image] = read_image,
    progress: TrainingProgress | None = None,
) -> tuple[AnomalyEvaluation, tuple[Skipped, ...]]:
    """Score the anomaly model on `folder`: its good class's folder good, every other one anomalous."""
    assert model.anomaly is not None and model.good_label is not None
    model.check_backbone(backbone)
    if model.good_label not in folder.classes:
        raise DatasetError(
            f"{folder.root}: no {model.good_label}/ folder: the good parts go there, "
            "defective ones in any other"
        )
    found = folder_maps(folder, backbone, read, progress)
    if not len(found.grids):
        raise DatasetError(f"{folder.root}: none of its {len(folder.files)} image file(s) could be read")
    scores = np.array([model.anomaly.score(grid) for grid in found.grids])
    evaluation = evaluate_anomaly(
        scores, found.labels, model.good_label, model.anomaly.threshold, found.names
    )
    return evaluation, found.skipped

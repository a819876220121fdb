"""Training on and evaluating against an image folder: what `teachbooth train` and `eval` do.

Features are computed here rather than cached: a folder has no store to cache them in, and a
folder-sized dataset embeds in seconds (the project store caches them for the kiosk). Every image
and every view goes through the backbone's one preprocessing function and one invoke, which gives
the features of every candidate recipe at once (`kiosk/features/recipes.py`); the recipe is chosen
by cross-validation (`recipe_choice.py`) unless the configuration names one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from kiosk.features.backbone import Backbone
from kiosk.features.recipes import GLOBAL, available_recipes, embed_recipes
from kiosk.learning.anomaly_evaluation import AnomalyEvaluation
from kiosk.learning.anomaly_folder import AnomalyTraining, evaluate_anomaly_folder, train_anomaly_folder
from kiosk.learning.config import TrainingConfig
from kiosk.learning.evaluate import Evaluation, evaluate_predictions
from kiosk.learning.image_folder import (
    DatasetError,
    ImageFolder,
    Skipped,
    UnreadableImage,
    read_image,
    scan_image_folder,
)
from kiosk.learning.model_dir import TrainedModel, save_model
from kiosk.learning.recipe_choice import choose_recipe
from kiosk.learning.trainer import TrainingOutcome, TrainingProgress, TrainingRows, fit_rows
from kiosk.learning.views import VIEWS, view_image


@dataclass(frozen=True)
class EmbeddedFolder:
    rows: dict[str, TrainingRows]
    """Recipe -> one row per readable image; its group is its file, its weight 1, all real."""
    view_rows: dict[str, TrainingRows] | None
    """Recipe -> the views of every readable image (None when not asked for)."""
    skipped: tuple[Skipped, ...]
    """Files that were not used, with the reason."""


@dataclass(frozen=True)
class FolderTraining:
    model: TrainedModel
    outcome: TrainingOutcome
    skipped: tuple[Skipped, ...]


def embed_folder(
    folder: ImageFolder,
    backbone: Backbone,
    *,
    views: bool,
    recipes: tuple[str, ...] = (GLOBAL,),
    progress: TrainingProgress | None = None,
    read: Callable[[Path], Image.Image] = read_image,
) -> EmbeddedFolder:
    """Features of every readable image of `folder` (and of its views) under each recipe; unreadable
    ones are skipped. `read` turns a file into the picture the backbone sees."""
    skipped = list(folder.ignored)
    features: dict[str, list[np.ndarray]] = {recipe: [] for recipe in recipes}
    view_features: dict[str, list[np.ndarray]] = {recipe: [] for recipe in recipes}
    labels, names = [], []
    view_labels, view_names, view_groups = [], [], []
    for done, (path, label) in enumerate(folder.files, start=1):
        try:
            image = read(path)
            pixels = [backbone.preprocess(image)]
            if views:
                pixels += [backbone.preprocess(view_image(image, view)) for view in VIEWS]
        except (UnreadableImage, ValueError) as exc:
            skipped.append(Skipped(path, str(exc)))
        else:
            vectors = embed_recipes(backbone, pixels, recipes)
            labels.append(label)
            names.append(str(path))
            for recipe in recipes:
                features[recipe].append(vectors[recipe][0])
                view_features[recipe].extend(vectors[recipe][1:])
            for view in VIEWS if views else ():
                view_labels.append(label)
                view_names.append(f"{path}#{view}")
                view_groups.append(str(path))
        if progress:
            progress("features", done, len(folder.files))
    rows = {
        recipe: TrainingRows.of(_matrix(features[recipe]), labels, names, names, 1.0, real=True)
        for recipe in recipes
    }
    view_rows = (
        {
            recipe: TrainingRows.of(
                _matrix(view_features[recipe]), view_labels, view_names, view_groups, 1.0, real=False
            )
            for recipe in recipes
        }
        if views
        else None
    )
    return EmbeddedFolder(rows, view_rows, tuple(skipped))


def _matrix(vectors: list[np.ndarray]) -> np.ndarray:
    return np.asarray(vectors, dtype=np.float32).reshape(len(vectors), -1)


def train_folder(
    data_dir: str | Path,
    out: str | Path,
    backbone: Backbone,
    config: TrainingConfig | None = None,
    progress: TrainingProgress | None = None,
) -> FolderTraining | AnomalyTraining:
    """Train on DATA_DIR/<class>/<images> and write the model folder `out`: a classifier, or with one
    class folder (the good parts) an anomaly model (`anomaly_folder.py`).

    Raises `DatasetError` for a folder that cannot train (a class without readable images) and
    `TrainingError` for data the SVM refuses or too few good parts.
    """
    config = config or TrainingConfig()
    folder = scan_image_folder(data_dir)
    if len(folder.classes) == 1:
        return train_anomaly_folder(folder, out, backbone, config, progress)
    recipes = available_recipes(backbone) if config.features == "auto" else (config.features,)
    per_class = Counter(label for _, label in folder.files)
    views = config.embeds_views(min(per_class.values(), default=0))
    embedded = embed_folder(folder, backbone, views=views, recipes=recipes, progress=progress)
    unreadable = sorted(set(folder.classes) - set(embedded.rows[recipes[0]].labels))
    if unreadable:
        raise DatasetError(
            f"{folder.root}: no readable images in class folder(s) {', '.join(unreadable)} "
            f"({len(embedded.skipped)} file(s) skipped)"
        )
    choice = choose_recipe(embedded.rows, config)
    views = None if embedded.view_rows is None else embedded.view_rows[choice.recipe]
    outcome = fit_rows(embedded.rows[choice.recipe], views, config, progress)
    training = outcome.info(
        config,
        data_dir=str(folder.root),
        skipped=[item.as_json() for item in embedded.skipped],
        features=choice.as_json(),
    )
    model = save_model(out, outcome.fit.model, backbone, training, outcome.open_set, choice.recipe)
    return FolderTraining(model, outcome, embedded.skipped)


def evaluate_folder(
    model: TrainedModel,
    data_dir: str | Path,
    backbone: Backbone,
    progress: TrainingProgress | None = None,
    read: Callable[[Path], Image.Image] = read_image,
) -> tuple[Evaluation | AnomalyEvaluation, tuple[Skipped, ...]]:
    """Score `model` on every readable image of DATA_DIR/<class>/ (as `read` gives it: `teachbooth
    eval` cuts an image around the mask beside it, `masked_image.py`); unreadable files are skipped.

    A class folder the model was not trained on is refused (`DatasetError`, naming it) before any
    image is read: scoring its images could only count them wrong, under a column the model never
    had, which looks like a result and is a misnamed folder. An anomaly model has its own rule
    (`anomaly_folder.py`): its class folder holds good parts, every other folder defective ones."""
    model.check_backbone(backbone)
    folder = scan_image_folder(data_dir, require_images_per_class=False)
    if model.anomaly is not None:
        return evaluate_anomaly_folder(model, folder, backbone, read, progress)
    assert model.classifier is not None
    unknown = [label for label in folder.classes if label not in model.labels]
    if unknown:
        raise DatasetError(
            f"{folder.root}: the model does not know the class folder(s) {', '.join(unknown)}; "
            f"it knows {', '.join(model.labels)}"
        )
    embedded = embed_folder(
        folder, backbone, views=False, recipes=(model.recipe,), progress=progress, read=read
    )
    rows = embedded.rows[model.recipe]
    if not len(rows):
        raise DatasetError(f"{folder.root}: none of its {len(folder.files)} image file(s) could be read")
    probabilities = model.classifier.predict_proba(rows.features)
    evaluation = evaluate_predictions(rows.labels, probabilities, model.labels, samples=rows.names)
    return evaluation, embedded.skipped

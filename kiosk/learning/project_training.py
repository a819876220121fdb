"""Training the kiosk's classifier from its project store, as the TUI's train step does.

- Real samples (camera, imported) train unless a person rejected them; they alone are scored.
- Generated samples train only when a person accepted them *and* they pass the quality gate
  (`gate.py`) against the real samples' features, with `generated_weight` as their loss weight.
- A generated sample joins the group of the real photo it was made from, named by its recipe's
  `source_sample` key; generated samples whose recipe names none (nothing in the job path records
  it yet) share one group per class, so they never train a fold that holds out their class's
  generated images, at the price of coarser folds.
- Features are cached in the store per backbone id, views under `view_key(...)`, so a second
  training run (or one after adding five photos) embeds only what is new. With a feature recipe
  other than "global" (`kiosk/features/recipes.py`) its numbers are cached under `recipe_key(...)`
  (and its views under that key's `view_key`), all recipes from the same invoke of each image. The
  recipe is chosen as `teachbooth train` chooses it (`recipe_choice.py`: cross-validated on the real
  photos, `TrainingConfig.features`); the quality gate always reads the global numbers, which its
  thresholds were set on.
- Preparing (features, gate: `prepare_training`) and fitting (`fit_prepared`) are separate steps, so
  the train step can run the real / generated / mixed check between them and fit without the
  generated pictures when they hurt (`generated_choice.py`); `train_project` does both.
- Every version records what it trained on and what changed against the version in use before it
  (`history.py`).

Training runs on the caller's thread and reports through `progress`; the TUI calls it from a worker.
"""

from __future__ import annotations

import functools
import operator
import shutil
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.features.backbone import Backbone
from kiosk.features.recipes import GLOBAL, available_recipes, embed_recipes, recipe_key
from kiosk.learning.config import TrainingConfig
from kiosk.learning.gate import GateVerdict, changes_a_cue, gate_generated
from kiosk.learning.history import HISTORY_KEY, history_record
from kiosk.learning.model_dir import TrainedModel, save_model
from kiosk.learning.recipe_choice import RecipeChoice, choose_recipe
from kiosk.learning.trainer import TrainingOutcome, TrainingProgress, TrainingRows, fit_rows
from kiosk.learning.views import VIEWS, view_image, view_key
from kiosk.store import Project, StoreError
from kiosk.store.models import PHOTO_SOURCES, PHOTO_STATUSES, ModelVersion, Sample, Source, Status

SOURCE_SAMPLE_KEY = "source_sample"
"""Recipe key holding the id of the real sample a generated image was made from."""
BATCH = 32
"""Features written to the store per transaction while caching."""


@dataclass(frozen=True)
class ProjectTraining:
    version: ModelVersion
    model: TrainedModel
    outcome: TrainingOutcome
    verdicts: dict[str, GateVerdict]
    """Quality-gate verdict of every accepted generated sample, by sample id."""
    unreadable: dict[str, str]
    """Samples left out because their image could not be read: id -> reason."""


@dataclass(frozen=True)
class PreparedTraining:
    """The project's samples with their features cached and the gate's verdicts: what a fit, and
    the real / generated / mixed check before it, draw their rows from."""

    real: list[Sample]
    passed: list[Sample]
    """Generated samples a person accepted that passed the quality gate."""
    groups: dict[str, str]
    """Fold group of every sample (`group_of`)."""
    real_rows: TrainingRows
    passed_rows: TrainingRows
    verdicts: dict[str, GateVerdict]
    unreadable: dict[str, str]
    views: tuple[str, ...]
    """The views whose features are cached (none with augmentation off)."""
    recipe: RecipeChoice
    """The feature recipe the rows are in, and why (`recipe_choice.py`)."""


def cache_features(
    project: Project,
    backbone: Backbone,
    samples: Sequence[Sample],
    views: Sequence[str] = (),
    progress: TrainingProgress | None = None,
    recipes: Sequence[str] = (GLOBAL,),
) -> dict[str, str]:
    """Compute and store the features under each recipe (and each view's) that `samples` lack; each
    image is read once and each view of it embedded once, whatever the recipes.

    Returns the samples whose image could not be read (id -> reason); they get no features.
    """
    slots = [(recipe, view) for recipe in recipes for view in (None, *views)]
    keys = {slot: feature_key(recipe_key(backbone.backbone_id, slot[0]), slot[1]) for slot in slots}
    wanted = {sample.id for sample in samples}
    missing = {slot: {s.id for s in project.missing_features(key)} & wanted for slot, key in keys.items()}
    todo = [sample for sample in samples if any(sample.id in ids for ids in missing.values())]
    batches: dict[tuple[str, str | None], list] = {slot: [] for slot in slots}
    images = project.iter_images(todo)
    for done, loaded in enumerate(images, start=1):
        for view in (None, *views):
            needed = [recipe for recipe in recipes if loaded.sample.id in missing[recipe, view]]
            if not needed:
                continue
            image = loaded.image if view is None else view_image(loaded.image, view)
            vectors = embed_recipes(backbone, [backbone.preprocess(image)], needed)
            for recipe in needed:
                batches[recipe, view].append((loaded.sample, vectors[recipe][0]))
                if len(batches[recipe, view]) >= BATCH:
                    project.set_many_features(keys[recipe, view], batches[recipe, view])
                    batches[recipe, view] = []
        if progress:
            progress("features", done, len(todo))
    for slot, key in keys.items():
        project.set_many_features(key, batches[slot])
    return {problem.sample_id: problem.reason for problem in images.bad if problem.sample_id}


def feature_key(key: str, view: str | None) -> str:
    """The cache key of a view's features under `key` (a backbone id or a recipe's key)."""
    return key if view is None else view_key(key, view)


def feature_rows(
    project: Project,
    backbone_id: str,
    samples: Sequence[Sample],
    groups: dict[str, str],
    weight: float,
    *,
    real: bool,
    view: str | None = None,
) -> TrainingRows:
    """The rows of `samples` with features cached for the backbone (or one of its views), in order;
    `backbone_id` may be a recipe's key (`recipe_key`) for its numbers."""
    key = feature_key(backbone_id, view)
    ids, features = project.features(key, [sample.id for sample in samples])
    labels = {sample.id: sample.label for sample in samples}
    return TrainingRows.of(
        features,
        [labels[sid] for sid in ids],
        [sid if view is None else f"{sid}#{view}" for sid in ids],
        [groups[sid] for sid in ids],
        weight,
        real=real,
    )


def group_of(sample: Sample, real_ids: set[str]) -> str:
    """The fold group of a generated sample: its source photo, or one shared group per class."""
    source = (sample.recipe or {}).get(SOURCE_SAMPLE_KEY)
    return source if isinstance(source, str) and source in real_ids else f"generated:{sample.label}"


def real_samples(project: Project) -> list[Sample]:
    """The samples that train and judge: camera and imported ones a person has not rejected."""
    return project.samples(source=PHOTO_SOURCES, status=PHOTO_STATUSES)


def gate_rows(
    real_rows: TrainingRows, generated_rows: TrainingRows, generated: Sequence[Sample] = ()
) -> dict[str, GateVerdict]:
    """The quality gate's verdict on every generated row, by sample id (empty without any); the
    rows of `generated` pictures whose recipe names a cue-changing preset are judged as such."""
    if not len(generated_rows):
        return {}
    cue_changed = {sample.id for sample in generated if changes_a_cue(sample.recipe)}
    found = gate_generated(
        real_rows.features,
        real_rows.labels,
        generated_rows.features,
        generated_rows.labels,
        cue_changed=[name in cue_changed for name in generated_rows.names],
    )
    return dict(zip(generated_rows.names, found, strict=True))


def prepare_training(
    project: Project,
    backbone: Backbone,
    config: TrainingConfig,
    progress: TrainingProgress | None = None,
) -> PreparedTraining:
    """Cache what the project's samples lack, run the quality gate on the accepted generated ones and
    choose the feature recipe. Raises `TrainingError` when the recipes must be compared and the real
    photos cannot be cross-validated (fewer than two classes)."""
    candidates = available_recipes(backbone) if config.features == "auto" else (config.features,)
    real = real_samples(project)
    per_class = Counter(sample.label for sample in real)
    views = tuple(VIEWS) if config.embeds_views(min(per_class.values(), default=0)) else ()
    generated = project.samples(source=Source.GENERATED, status=Status.ACCEPTED)
    recipes = tuple(dict.fromkeys((GLOBAL, *candidates)))  # the gate reads the global numbers
    unreadable = cache_features(project, backbone, [*real, *generated], views, progress, recipes)
    real_ids = {s.id for s in real}
    groups = {s.id: s.id for s in real} | {s.id: group_of(s, real_ids) for s in generated}
    weight = config.generated_weight

    def rows(recipe: str, samples: list[Sample], weight: float, *, real: bool) -> TrainingRows:
        return feature_rows(
            project, recipe_key(backbone.backbone_id, recipe), samples, groups, weight, real=real
        )

    generated_rows = rows(GLOBAL, generated, weight, real=False)
    verdicts = gate_rows(rows(GLOBAL, real, 1.0, real=True), generated_rows, generated)
    passed = [s for s in generated if s.id in verdicts and verdicts[s.id].passed]
    choice = choose_recipe({recipe: rows(recipe, real, 1.0, real=True) for recipe in candidates}, config)
    real_rows = rows(choice.recipe, real, 1.0, real=True)
    passed_rows = rows(choice.recipe, passed, weight, real=False)
    return PreparedTraining(real, passed, groups, real_rows, passed_rows, verdicts, unreadable, views, choice)


def fit_prepared(
    project: Project,
    backbone: Backbone,
    prepared: PreparedTraining,
    config: TrainingConfig,
    progress: TrainingProgress | None = None,
    *,
    use_generated: bool = True,
    record: Mapping[str, Any] | None = None,
) -> ProjectTraining:
    """Fit on the prepared rows (the gated generated ones only with `use_generated`), record the model
    as a new current version with its history (`history.py`) and `record` in its metrics.

    Raises `TrainingError` when fewer than two classes have usable real samples, and `StoreError`
    when the model cannot be saved (its folder is removed; the previous model stays current).
    """
    key = backbone.backbone_id
    recipe = prepared.recipe.recipe
    chosen = prepared.passed if use_generated else []
    rows = prepared.real_rows + prepared.passed_rows if use_generated else prepared.real_rows
    view_rows = None
    if prepared.views:
        trained = set(rows.names)
        parts = [
            feature_rows(
                project,
                recipe_key(key, recipe),
                [s for s in samples if s.id in trained],
                prepared.groups,
                weight,
                real=False,
                view=view,
            )
            for view in prepared.views
            for samples, weight in ((prepared.real, 1.0), (chosen, config.generated_weight))
        ]
        view_rows = functools.reduce(operator.add, parts)

    outcome = fit_rows(rows, view_rows, config, progress)
    info = outcome.info(
        config,
        gate={"checked": len(prepared.verdicts), "passed": len(prepared.passed)},
        unreadable=prepared.unreadable,
        features=prepared.recipe.as_json(),
        **(record or {}),
    )
    info[HISTORY_KEY] = history_record(
        project.latest_good_model(key),
        prepared.real_rows.names,
        [s.id for s in chosen],
        info["evaluation"],
    )
    model, version = record_version(
        project,
        key,
        info,
        lambda folder: save_model(folder, outcome.fit.model, backbone, info, outcome.open_set, recipe),
    )
    return ProjectTraining(version, model, outcome, prepared.verdicts, prepared.unreadable)


def record_version(
    project: Project, backbone_id: str, info: dict[str, Any], save: Callable[[Path], TrainedModel]
) -> tuple[TrainedModel, ModelVersion]:
    """Write a model into a new folder under models/ with `save` and record it as the current
    version, with `info` as its metrics. A failed write (a full disk, most likely) removes the folder
    and raises `StoreError`: the previous model stays the current one."""
    folder = project.new_model_folder()
    try:
        model = save(folder)
    except OSError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise StoreError(f"could not save the trained model: {exc}") from exc
    return model, project.add_model(folder, backbone_id, info)


def train_project(
    project: Project,
    backbone: Backbone,
    config: TrainingConfig | None = None,
    progress: TrainingProgress | None = None,
) -> ProjectTraining:
    """Train on the project's samples (real photos and gated generated pictures), record the model as
    a new (current) version and return it. Raises as `fit_prepared` does."""
    config = config or TrainingConfig()
    prepared = prepare_training(project, backbone, config, progress)
    return fit_prepared(project, backbone, prepared, config, progress)

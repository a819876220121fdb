"""Feature recipes in kiosk project training: chosen by cross-validation as `teachbooth train` does,
cached under their own keys from one invoke per image, recorded in the model."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.features.recipes import GLOBAL, RECIPES, recipe_key
from kiosk.learning.config import TrainingConfig
from kiosk.learning.model_dir import load_model
from kiosk.learning.project_training import train_project
from kiosk.store import Project
from testkit.defects import parts


@pytest.fixture
def fabric(tmp_path):
    """A project of 24 good and 24 flawed woven parts: the local recipes' case (bench/README.md)."""
    with Project.open(tmp_path / "project") as project:
        for label, defective in (("good", False), ("flawed", True)):
            class_id = project.add_class(label).id
            for part in parts(24, texture="fabric", defective=defective, seed=3):
                project.add_sample(np.repeat(part.image[..., None], 3, axis=2), class_id, "camera")
        yield project


def test_auto_picks_a_local_recipe_for_small_defects_from_one_invoke_per_photo(fabric, backbone):
    invokes = []
    original = backbone.embed_maps
    backbone.embed_maps = lambda pixels: invokes.append(len(pixels)) or original(pixels)
    try:
        trained = train_project(fabric, backbone, TrainingConfig(augmentation="off"))
    finally:
        del backbone.embed_maps
    assert sum(invokes) == 48  # every recipe's numbers from the same invoke of each photo
    chosen = trained.model.recipe
    assert chosen != GLOBAL and load_model(trained.version.path).recipe == chosen
    record = trained.version.metrics["features"]
    assert record["recipe"] == chosen and set(record["cv_accuracy"]) == set(RECIPES)
    assert record["cv_accuracy"][chosen] > record["cv_accuracy"][GLOBAL]
    for recipe in RECIPES:
        assert not fabric.missing_features(recipe_key(backbone.backbone_id, recipe))
    _, rows = fabric.features(recipe_key(backbone.backbone_id, chosen))
    assert rows.shape == (48, trained.model.classifier.feature_dim)


def test_a_named_recipe_is_used_as_is_and_nothing_else_is_embedded(fabric, backbone):
    trained = train_project(fabric, backbone, TrainingConfig(augmentation="off", features=GLOBAL))
    assert trained.model.recipe == GLOBAL
    assert trained.version.metrics["features"] == {"recipe": GLOBAL, "reason": "chosen", "cv_accuracy": {}}
    assert len(fabric.missing_features(recipe_key(backbone.backbone_id, "local-max"))) == 48

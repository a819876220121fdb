"""The feature recipe chosen by cross-validation: locality wins where defects are small marks."""

from __future__ import annotations

import json

import numpy as np
import pytest

from kiosk.features.recipes import GLOBAL, RECIPES, RecipeFeatures
from kiosk.learning.config import TrainingConfig
from kiosk.learning.folder_training import embed_folder, evaluate_folder, train_folder
from kiosk.learning.image_folder import scan_image_folder
from kiosk.learning.model_dir import load_model
from kiosk.learning.recipe_choice import choose_recipe
from testkit.defects import write_inspection_folder

CONFIG = TrainingConfig(augmentation="off", workers=2)


@pytest.fixture(scope="module")
def fabric(tmp_path_factory):
    """Woven fabric, good or with one small mark: 48 pictures a class to train, 24 to test."""
    root = tmp_path_factory.mktemp("fabric")
    train = write_inspection_folder(root / "train", good=48, defective=48, texture="fabric", seed=1)
    test = write_inspection_folder(root / "test", good=24, defective=24, texture="fabric", seed=2)
    return train, test


def test_a_local_recipe_beats_the_global_average_on_small_defects_and_is_chosen(fabric, backbone):
    train, _ = fabric
    embedded = embed_folder(scan_image_folder(train), backbone, views=False, recipes=RECIPES)
    choice = choose_recipe(embedded.rows, CONFIG)
    scores = choice.cv_accuracy
    assert set(scores) == set(RECIPES)
    best_local = max(scores["local-max"], scores["local-contrast"])
    assert best_local >= scores[GLOBAL] + 0.08, scores
    assert choice.recipe != GLOBAL and scores[choice.recipe] == best_local


def test_a_tie_goes_to_the_simpler_recipe(fabric, backbone):
    train, _ = fabric
    embedded = embed_folder(scan_image_folder(train), backbone, views=False, recipes=RECIPES)
    same = {recipe: embedded.rows[GLOBAL] for recipe in RECIPES}  # three identical candidates
    assert choose_recipe(same, CONFIG).recipe == GLOBAL


def test_the_chosen_recipe_is_recorded_and_read_back_for_prediction(fabric, backbone, tmp_path):
    train, test = fabric
    trained = train_folder(train, tmp_path / "model", backbone, CONFIG)
    manifest = json.loads((tmp_path / "model" / "model.json").read_text())
    recipe = manifest["features"]["recipe"]
    assert recipe != GLOBAL and manifest["training"]["features"]["recipe"] == recipe
    model = load_model(tmp_path / "model")
    assert (
        model.recipe == recipe
        and model.classifier.feature_dim == RecipeFeatures(backbone, recipe).feature_dim
    )
    evaluation, _ = evaluate_folder(model, test, backbone)
    assert evaluation.accuracy >= 0.85
    assert trained.outcome.fit.cv_accuracy == pytest.approx(manifest["training"]["cv_accuracy"])
    images = [path for path, _ in scan_image_folder(test).files[:3]]
    from PIL import Image

    direct = model.classifier.predict_proba(model.features(backbone).embed([Image.open(p) for p in images]))
    assert np.isfinite(direct).all()


def test_a_named_recipe_is_used_without_comparing(fabric, backbone, tmp_path):
    train, _ = fabric
    train_folder(train, tmp_path / "model", backbone, CONFIG.model_copy(update={"features": GLOBAL}))
    manifest = json.loads((tmp_path / "model" / "model.json").read_text())
    assert manifest["features"] == {"recipe": GLOBAL, "dim": 1280}
    assert manifest["training"]["features"]["cv_accuracy"] == {}

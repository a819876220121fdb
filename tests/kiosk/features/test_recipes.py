"""Feature recipes: one invoke, several readings, each under its own cache key."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.features.recipes import (
    GLOBAL,
    RECIPES,
    RecipeError,
    RecipeFeatures,
    available_recipes,
    recipe_key,
    recipe_vectors,
)
from kiosk.learning.config import FeatureChoice
from testkit.defects import render_part


def test_the_global_recipe_is_the_backbone_unchanged(backbone):
    images = [render_part(seed, "metal").image for seed in range(2)]
    features = RecipeFeatures(backbone, GLOBAL)
    assert features.feature_key == backbone.backbone_id and features.feature_dim == backbone.feature_dim
    np.testing.assert_allclose(features.embed(images), backbone.embed(images), rtol=0, atol=1e-6)


@pytest.mark.parametrize("recipe", ["local-max", "local-contrast"])
def test_a_local_recipe_adds_the_mid_maps_extremes_under_its_own_key(backbone, recipe):
    images = [render_part(seed, "fabric").image for seed in range(2)]
    features = RecipeFeatures(backbone, recipe)
    vectors = features.embed(images)
    assert vectors.shape == (2, 1280 + 2 * 112) and features.feature_dim == 1280 + 224
    assert features.feature_key not in {
        backbone.backbone_id,
        *(recipe_key(backbone.backbone_id, r) for r in RECIPES if r != recipe),
    }
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    pooled = backbone.embed(images)
    halves = vectors[:, :1280] * np.sqrt(2.0)
    np.testing.assert_allclose(halves, pooled / np.linalg.norm(pooled, axis=1, keepdims=True), atol=1e-5)
    again = recipe_vectors([recipe], backbone.embed_maps([backbone.preprocess(i) for i in images]))[recipe]
    np.testing.assert_allclose(again, vectors, rtol=0, atol=1e-6)


def test_unknown_recipes_are_refused_and_the_config_knows_every_recipe(backbone):
    assert available_recipes(backbone) == RECIPES
    assert FeatureChoice.__args__ == ("auto", *RECIPES)
    with pytest.raises(RecipeError, match="unknown feature recipe"):
        RecipeFeatures(backbone, "local-everything")

"""Feature recipes: which numbers of one backbone invoke the classifier sees.

    features = RecipeFeatures(backbone, "local-contrast")
    features.embed([image])          # (1, 1504) float32, from one invoke per image
    features.feature_key             # the store's cache key for these numbers

The backbone's pooled vector is the mean of a 7x7 map: a small mark (a crack, a dark spot, a broken
line) moves it by a fraction of what the next part's lighting does. The local recipes add to it
the extremes of the mid-level map (`graph.py`: 14x14, each cell sees a ~16-pixel patch), where
one patch on a defect stands out whole:

- "global": the pooled vector alone, exactly as before recipes existed (its cache key is the
  backbone id, so every cached feature and every saved model keeps its numbers);
- "local-max": pooled + each mid-level channel's largest and smallest value over the map;
- "local-contrast": pooled + each channel's largest excursion above and below its own median over
  the map: a patch unlike the rest of *this* part, whatever the part's texture or light.

Each part is scaled to unit length and the whole divided by sqrt(2), so the pooled half weighs as
much as the local half. Which recipe a model uses is chosen by cross-validation on the real photos
(`kiosk/learning/recipe_choice.py`) and written in its model.json; a model without that entry is
"global". NumPy only, relative imports: the exported bundle carries this file unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from .backbone import Backbone, FeatureMaps, ImageLike

GLOBAL = "global"
RECIPES = (GLOBAL, "local-max", "local-contrast")
"""In order of preference: a tie in cross-validation goes to the earlier, simpler one."""
LOCAL_MAP = "mid"


class RecipeError(ValueError):
    """A recipe this software does not know, or one the backbone has no map for."""


def recipe_key(backbone_id: str, recipe: str) -> str:
    """The feature-cache key of a recipe's numbers: the backbone id itself for "global"."""
    return backbone_id if recipe == GLOBAL else f"{backbone_id}+{recipe}"


def available_recipes(backbone: Backbone) -> tuple[str, ...]:
    """The recipes `backbone` can compute (the local ones need its mid-level map)."""
    return RECIPES if LOCAL_MAP in backbone.map_shapes else (GLOBAL,)


def recipe_dim(recipe: str, backbone: Backbone) -> int:
    """Length of the recipe's feature vector with `backbone`."""
    check_recipe(recipe, backbone)
    if recipe == GLOBAL:
        return backbone.feature_dim
    return backbone.feature_dim + 2 * backbone.map_shapes[LOCAL_MAP][2]


def check_recipe(recipe: str, backbone: Backbone) -> None:
    if recipe not in RECIPES:
        raise RecipeError(f"unknown feature recipe {recipe!r}; this software knows {', '.join(RECIPES)}")
    if recipe not in available_recipes(backbone):
        raise RecipeError(f"{backbone.path.name} has no mid-level feature map for the {recipe!r} recipe")


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / max(float(np.linalg.norm(vector)), 1e-12)


def _extremes(grid: np.ndarray, recipe: str) -> np.ndarray:
    """(2 * channels,) the local half of a recipe, from one (h, w, channels) map."""
    cells = grid.reshape(-1, grid.shape[-1])
    if recipe == "local-contrast":
        cells = cells - np.median(cells, axis=0)
    return np.concatenate([cells.max(axis=0), -cells.min(axis=0)])


def recipe_vector(recipe: str, found: FeatureMaps) -> np.ndarray:
    """One image's feature vector (float32) under `recipe`, from what one invoke gave."""
    if recipe == GLOBAL:
        return found.pooled
    local = _extremes(found.maps[LOCAL_MAP], recipe)
    return (np.concatenate([_unit(found.pooled), _unit(local)]) / np.sqrt(2.0)).astype(np.float32)


def recipe_vectors(recipes: Sequence[str], found: Iterable[FeatureMaps]) -> dict[str, np.ndarray]:
    """Recipe -> (n, dim) float32 for every image of `found`: all recipes from the same invokes."""
    rows: dict[str, list[np.ndarray]] = {recipe: [] for recipe in recipes}
    for maps in found:
        for recipe in recipes:
            rows[recipe].append(recipe_vector(recipe, maps))
    return {recipe: np.asarray(vectors, dtype=np.float32) for recipe, vectors in rows.items()}


def embed_recipes(
    backbone: Backbone, pixels: Sequence[np.ndarray], recipes: Sequence[str]
) -> dict[str, np.ndarray]:
    """Recipe -> (len(pixels), dim) float32 features of preprocessed `pixels`, one invoke each; the
    maps are read only when a recipe needs them, so "global" alone costs what `embed_pixels` does."""
    if tuple(recipes) == (GLOBAL,):
        return {GLOBAL: backbone.embed_pixels(pixels)}
    return recipe_vectors(recipes, backbone.embed_maps(pixels))


class RecipeFeatures:
    """A backbone read through one recipe, with the backbone's own interface (`embed`, `embed_pixels`,
    `preprocess`, `input_size`, `feature_dim`), so predictors and saliency take either."""

    def __init__(self, backbone: Backbone, recipe: str = GLOBAL) -> None:
        check_recipe(recipe, backbone)
        self.backbone = backbone
        self.recipe = recipe
        self.input_size = backbone.input_size
        self.feature_dim = recipe_dim(recipe, backbone)
        self.feature_key = recipe_key(backbone.backbone_id, recipe)

    def __repr__(self) -> str:
        return f"RecipeFeatures({self.backbone!r}, {self.recipe!r})"

    def preprocess(self, image: ImageLike) -> np.ndarray:
        return self.backbone.preprocess(image)

    def embed_pixels(self, pixels: Sequence[np.ndarray] | np.ndarray) -> np.ndarray:
        if self.recipe == GLOBAL:
            return self.backbone.embed_pixels(pixels)
        found = self.backbone.embed_maps(pixels)
        return recipe_vectors([self.recipe], found)[self.recipe].reshape(len(found), self.feature_dim)

    def embed(self, images: Iterable[ImageLike]) -> np.ndarray:
        return self.embed_pixels([self.preprocess(image) for image in images])

    def embed_one(self, image: ImageLike) -> np.ndarray:
        return self.embed([image])[0]

"""Choosing a model's feature recipe by cross-validation on the project's own photos.

No recipe is best everywhere: the pooled vector is what tells a ball from a box, the local recipes
are what tell a good casting from one with a hairline crack (`kiosk/features/recipes.py`). Every
candidate's features come from the same backbone invokes, so trying them costs SVM fits only: each
is cross-validated exactly as the final classifier will be (same folds, groups, weights and seed,
real photos scored), without views, and the best held-out accuracy wins. A recipe must beat the
ones before it in `RECIPES` order to be chosen, so ties and too-few-photos go to "global".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kiosk.features.recipes import GLOBAL
from kiosk.learning.config import TrainingConfig
from kiosk.learning.svm import train_linear_svm
from kiosk.learning.trainer import TrainingRows


@dataclass(frozen=True)
class RecipeChoice:
    recipe: str
    reason: str
    cv_accuracy: dict[str, float | None] = field(default_factory=dict)
    """Held-out accuracy of every recipe tried (empty when only one was a candidate)."""

    def as_json(self) -> dict[str, Any]:
        return {"recipe": self.recipe, "reason": self.reason, "cv_accuracy": self.cv_accuracy}


def choose_recipe(rows: dict[str, TrainingRows], config: TrainingConfig) -> RecipeChoice:
    """The recipe of `rows` (recipe -> the same rows under it, in preference order) to train with."""
    if len(rows) == 1:
        (only,) = rows
        return RecipeChoice(only, "chosen" if config.features != "auto" else "the only one this backbone has")
    scores: dict[str, float | None] = {}
    for recipe, candidate in rows.items():
        fit = train_linear_svm(
            candidate.features,
            candidate.labels,
            weights=candidate.weights,
            groups=candidate.groups,
            scored=candidate.real,
            max_folds=config.folds,
            seed=config.seed,
            workers=config.workers,
        )
        scores[recipe] = fit.cv_accuracy
    measured = {recipe: score for recipe, score in scores.items() if score is not None}
    if not measured:
        return RecipeChoice(GLOBAL, "too few photos to compare recipes", scores)
    best = max(measured, key=lambda recipe: (measured[recipe], -list(rows).index(recipe)))
    return RecipeChoice(best, "highest cross-validated accuracy", scores)

"""How the kiosk trains: the few choices a person or an integrator may change."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Augmentation = Literal["auto", "on", "off"]
FeatureChoice = Literal["auto", "global", "local-max", "local-contrast"]
""""auto" or one of `kiosk.features.recipes.RECIPES`."""


class TrainingConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    generated_weight: float = Field(
        0.5,
        gt=0.0,
        le=1.0,
        title="Weight of a generated sample",
        description="Loss weight of a generated sample that passed review and the quality gate, against "
        "1.0 for a real photo: generated images are near-copies of real ones, and counting them fully "
        "lets them outvote the photos they were made from.",
    )
    augmentation: Augmentation = Field(
        "auto",
        title="Train-time augmentation",
        description="Add the features of a mirrored and a shifted crop of every training image as extra "
        "rows (same group as their image, never scored). 'auto' keeps them only if they raise the "
        "cross-validated accuracy on real samples; 'on' and 'off' force the choice.",
    )
    views_up_to: int = Field(
        200,
        ge=0,
        title="Most photos a class for 'auto' views",
        description="With augmentation 'auto', the views are embedded and tried only while the smallest "
        "class has at most this many real photos. Each view is one more backbone run an image: with them "
        "2,000 photos took 93 s to train on a 2-core machine, without them 23 s (56 s choosing the "
        "feature recipe), and a few hundred photos a class already show the model what a mirror or a "
        "shift would. 'on' always embeds them.",
    )
    features: FeatureChoice = Field(
        "auto",
        title="Feature recipe",
        description="Which numbers of the backbone the classifier reads: 'global' (the pooled vector), "
        "'local-max' or 'local-contrast' (plus the extremes of a mid-level map, for small local marks "
        "such as defects). 'auto' cross-validates every recipe the backbone offers on the real photos "
        "and keeps the best; a tie goes to the simpler one.",
    )
    folds: int = Field(
        5,
        ge=2,
        le=10,
        title="Cross-validation folds",
        description="Most folds for choosing C and for the held-out evaluation; fewer when a class has "
        "fewer real samples, and 3 from 5,000 rows on.",
    )
    seed: int = Field(
        0,
        ge=0,
        title="Random seed",
        description="Seeds the fold split and the solver, so the same data trains the same model.",
    )
    workers: int = Field(
        1,
        ge=1,
        le=8,
        title="Training threads",
        description="Threads for the cross-validation fits (the SVM solver releases the GIL). 1 leaves a "
        "core to the kiosk's live preview; the CLI uses 2.",
    )

    def embeds_views(self, smallest_class: int) -> bool:
        """Whether training embeds the views, for a set whose smallest class has this many photos."""
        return self.augmentation == "on" or (
            self.augmentation == "auto" and smallest_class <= self.views_up_to
        )

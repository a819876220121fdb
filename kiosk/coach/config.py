"""The coach's thresholds, one strict model so a typo in a kiosk's config file is an error.

Each rule has a section named after its id (`CoachConfig.section(rule_id)`), with `enabled` and a
`weight`: a suggestion's score is its rule's weight times how bad the finding is (0..1), so the
weights set which kind of advice comes first when several apply.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kiosk.learning.cues import DOMINANT_SHARE


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _weight(default: float, why: str) -> Any:
    """A rule's weight field: every rule overrides the default and says why it ranks there."""
    return Field(
        default, gt=0, le=1, title="Weight", description=f"Score of the rule's most severe finding. {why}"
    )


class RuleConfig(_Strict):
    enabled: bool = Field(True, title="Enabled", description="Whether the rule runs at all.")
    weight: float = _weight(0.5, "Ranks this rule's advice against the other rules'.")


class AddClassConfig(RuleConfig):
    weight: float = _weight(1.0, "Nothing else can be taught before there are two classes.")


class FewSamplesConfig(RuleConfig):
    weight: float = _weight(1.0, "Without pictures no other advice can help, so an empty class comes first.")
    min_samples: int = Field(
        10,
        ge=1,
        le=1000,
        title="Enough samples per class",
        description="Real pictures a class needs before the coach stops asking for more. About ten "
        "gives a linear classifier on frozen features a steady boundary for a handful of classes.",
    )


class UnbalancedConfig(RuleConfig):
    weight: float = _weight(0.6, "An imbalance skews the model less than missing or misleading data.")
    max_ratio: float = Field(
        3.0,
        gt=1,
        title="Largest class ratio",
        description="Largest class size over smallest tolerated before the coach suggests evening them "
        "out. Balanced class weights absorb mild imbalance; past about 3:1 the small class's few "
        "pictures decide its whole boundary.",
    )


class ShortcutConfig(RuleConfig):
    weight: float = _weight(0.9, "The trap the kiosk exists to catch: second only to missing data.")
    min_separation: float = Field(
        0.9,
        gt=0.5,
        le=1,
        title="Shortcut separation",
        description="Share of a pair's pictures the cue alone (colour or background histogram) keeps "
        "apart before it counts as a shortcut. 0.5 is what guessing achieves for a pair.",
    )
    margin: float = Field(
        0.05,
        ge=0,
        le=0.5,
        title="Margin to the model",
        description="The cue alone must do at least as well as the real model minus this: then the "
        "model's success is fully explained by the cue, and it may have learned nothing more.",
    )


class ConfusedPairConfig(RuleConfig):
    weight: float = _weight(0.7, "Reached when a pair is mixed up half the time.")
    min_rate: float = Field(
        0.1,
        gt=0,
        le=1,
        title="Confusion rate",
        description="Share of a pair's pictures taken for the other class (out-of-fold) that makes the "
        "pair worth pointing out.",
    )
    min_count: int = Field(
        2,
        ge=1,
        title="Confusions",
        description="Fewest mix-ups worth mentioning: one wrong picture is often a bad picture.",
    )


class CaptureNextConfig(RuleConfig):
    weight: float = _weight(
        0.75,
        "Just above a confused pair: it names one class and a number of photos, the next thing to do.",
    )
    margin: float = Field(
        0.3,
        gt=0,
        le=1,
        title="Doubt margin",
        description="A held-out real picture whose own class beat the strongest other class by less "
        "than this (in calibrated probability) is one the model doubted. The Try step asks the visitor "
        "about frames within the same margin (kiosk/live/question.py).",
    )
    min_doubted: int = Field(
        2,
        ge=1,
        title="Doubted pictures",
        description="Fewest doubted pictures of a class worth naming it: one is often a bad picture.",
    )
    max_photos: int = Field(
        10,
        ge=1,
        title="Photos asked for",
        description="The most photos asked for at once: one per doubted picture, up to this.",
    )


class GateRejectsConfig(RuleConfig):
    weight: float = _weight(0.5, "Reached when every generated image of a class failed.")
    min_failed: int = Field(
        3, ge=1, title="Failed images", description="Fewest generated images failing the gate worth a review."
    )
    min_failed_share: float = Field(
        0.3,
        gt=0,
        le=1,
        title="Failed share",
        description="Share of a class's generated images that failed the quality gate above which the "
        "preset or its strength probably does not suit this class.",
    )


class RetrainConfig(RuleConfig):
    weight: float = _weight(0.4, "A reminder, below any problem with the data itself.")
    min_new_samples: int = Field(
        5,
        ge=1,
        title="New samples",
        description="Pictures added since the last training that make retraining worth a reminder.",
    )


class OneClassConfig(RuleConfig):
    weight: float = _weight(0.9, "Below add_class, which says the same to the other steps in general words.")


class SomethingElseConfig(RuleConfig):
    weight: float = _weight(0.5, "A choice, not a mistake: after any overlap between the names.")


class OverlappingNamesConfig(RuleConfig):
    weight: float = _weight(
        0.9, "Names a picture fits twice make labels no model can learn: first on the step."
    )


class DecidesByConfig(RuleConfig):
    weight: float = _weight(
        0.85, "Measured on the model itself, it is the colour trap caught in the act: just below a shortcut."
    )
    min_share: float = Field(
        DOMINANT_SHARE,
        gt=0,
        lt=1,
        title="Changed answers",
        description="Share of the model's answers a change of one cue (a new colour, background, angle "
        "or light) must overturn before the coach says the model decides by it. A model that learned "
        "the object changes at most about 0.15 of its answers under any of them.",
    )
    photos_per_class: int = Field(
        4,
        ge=1,
        le=50,
        title="Photos probed per class",
        description="Real photos of each class the current model is probed on after training, each "
        "changed five ways `repeats` times: about 11 backbone runs per photo at 2 repeats.",
    )
    repeats: int = Field(
        2, ge=1, le=10, title="Changes per cue", description="Times each cue is changed on each photo."
    )
    seed: int = Field(
        0, ge=0, title="Seed", description="Seeds the changes, so a model is measured the same way."
    )


class ProbeConfig(_Strict):
    """How the state builder measures shortcuts; heavier settings cost time after every capture."""

    min_samples_per_class: int = Field(
        4,
        ge=2,
        le=1000,
        title="Samples to probe a class",
        description="Real pictures a class needs before colour and background are cross-validated on "
        "it; fewer give held-out scores too noisy to accuse anything.",
    )
    max_pixels: int = Field(
        4096,
        ge=256,
        title="Pixels per histogram",
        description="Images are read with a stride that keeps at most about this many pixels: with 4k "
        "pixels a bin's share is within about one percentage point of the full picture's, at a "
        "fraction of the cost of converting every pixel to HSV.",
    )
    seed: int = Field(0, ge=0, title="Seed", description="Fold shuffling seed, so a state is reproducible.")


class CoachConfig(_Strict):
    add_class: AddClassConfig = Field(
        default_factory=AddClassConfig, title="Add a class", description="Projects with under two classes."
    )
    few_samples: FewSamplesConfig = Field(
        default_factory=FewSamplesConfig, title="Too few samples", description="Classes with few pictures."
    )
    unbalanced: UnbalancedConfig = Field(
        default_factory=UnbalancedConfig, title="Unbalanced classes", description="Class size ratios."
    )
    colour_shortcut: ShortcutConfig = Field(
        default_factory=ShortcutConfig,
        title="Colour shortcut",
        description="Classes that the object's colour alone tells apart.",
    )
    background_shortcut: ShortcutConfig = Field(
        default_factory=ShortcutConfig,
        title="Background shortcut",
        description="Classes that the background around the object alone tells apart.",
    )
    confused_pair: ConfusedPairConfig = Field(
        default_factory=ConfusedPairConfig, title="Confused pairs", description="Pairs the model mixes up."
    )
    capture_next: CaptureNextConfig = Field(
        default_factory=CaptureNextConfig,
        title="What to capture next",
        description="The class whose held-out pictures the model doubted most.",
    )
    gate_rejects: GateRejectsConfig = Field(
        default_factory=GateRejectsConfig,
        title="Rejected generated images",
        description="Generated images failing the quality gate.",
    )
    retrain: RetrainConfig = Field(
        default_factory=RetrainConfig, title="Retrain", description="A model missing or behind the data."
    )
    one_class: OneClassConfig = Field(
        default_factory=OneClassConfig, title="One class", description="Offer “not A” beside a lone class A."
    )
    something_else: SomethingElseConfig = Field(
        default_factory=SomethingElseConfig,
        title="Something else",
        description="Offer a catch-all class when no class is one.",
    )
    overlapping_names: OverlappingNamesConfig = Field(
        default_factory=OverlappingNamesConfig,
        title="Overlapping names",
        description="Class names a picture could fit both of.",
    )
    decides_by: DecidesByConfig = Field(
        default_factory=DecidesByConfig,
        title="What the model decides by",
        description="A cue (colour, background, angle, light) whose change overturns many of the "
        "current model's answers.",
    )
    probe: ProbeConfig = Field(
        default_factory=ProbeConfig, title="Shortcut probe", description="How shortcuts are measured."
    )

    def section(self, rule_id: str) -> RuleConfig:
        """The settings of one rule, by its registry id."""
        value = getattr(self, rule_id, None)
        if not isinstance(value, RuleConfig):
            raise KeyError(f"no coach rule called {rule_id!r}")
        return value

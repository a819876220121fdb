import numpy as np
import pytest

from kiosk.coach import CoachConfig, GateTally, ReviewGenerated, build_state, suggest, tally_gate
from kiosk.learning.gate import gate_generated
from kiosk.learning.svm import train_linear_svm
from testkit.colour_scenes import GREEN, RED, Scene, render_classes

CLASSES = ("apple", "pear", "plum")


def clustered(labels: list[str], seed: int = 5) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.stack([np.eye(8)[CLASSES.index(label)] + rng.normal(0, 0.1, 8) for label in labels])


@pytest.fixture(scope="module")
def fruit():
    return render_classes({"apple": Scene("apple", RED), "pear": Scene("pear", GREEN)}, per_class=6)


def test_counts_cover_every_class_empty_ones_included(fruit):
    images, masks, labels = fruit
    state = build_state(CLASSES, images, labels, masks=masks)
    assert state.counts == {"apple": 6, "pear": 6, "plum": 0}
    assert state.evaluation is None  # no features, fit or evaluation given
    assert state.samples_since_training is None


def test_a_fit_on_the_same_samples_gives_the_same_evaluation_as_its_features(fruit):
    images, masks, labels = fruit
    features = clustered(labels)
    fit = train_linear_svm(features, labels)
    from_fit = build_state(CLASSES, images, labels, masks=masks, fit=fit)
    from_features = build_state(CLASSES, images, labels, masks=masks, features=features)
    assert from_fit.evaluation == from_features.evaluation
    assert from_fit.evaluation.accuracy == 1.0


def test_a_fit_on_other_samples_is_a_clear_error(fruit):
    images, _masks, labels = fruit
    fit = train_linear_svm(clustered(labels * 2), labels * 2)
    with pytest.raises(ValueError, match="train it on exactly these samples"):
        build_state(CLASSES, images, labels, fit=fit)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"labels": ["apple"]}, "one label per image"),
        ({"masks": [None]}, "one mask"),
        ({"labels": ["fig"] * 12}, "does not have"),
        ({"features": np.zeros((3, 8))}, "one feature row per sample"),
    ],
)
def test_mismatched_inputs_are_clear_errors(fruit, change, message):
    images, masks, labels = fruit
    arguments = {"images": images, "labels": labels, "masks": masks} | change
    with pytest.raises(ValueError, match=message):
        build_state(CLASSES, **arguments)


def test_a_bad_picture_is_named_in_the_error(fruit):
    images, masks, labels = fruit
    broken = list(images)
    broken[3] = broken[3].astype(np.float64)
    with pytest.raises(ValueError, match=r"sample 3 \('pear'\): image must be uint8"):
        build_state(CLASSES, broken, labels, masks=masks)


def test_gate_verdicts_become_tallies_the_gate_rule_reads():
    real_labels = ["apple"] * 6 + ["pear"] * 6
    real = clustered(real_labels)
    # Generated apples near the real apples; generated "pears" that look like apples.
    generated_labels = ["apple"] * 4 + ["pear"] * 4
    generated = clustered(["apple"] * 8, seed=9)
    verdicts = gate_generated(real, real_labels, generated, generated_labels)
    tallies = tally_gate(generated_labels, verdicts)
    assert tallies == {"apple": GateTally(passed=4, failed=0), "pear": GateTally(passed=0, failed=4)}
    state = build_state(
        ("apple", "pear"),
        [np.zeros((4, 4, 3), np.uint8)] * 12,
        real_labels,
        gate=tallies,
        samples_since_training=0,
        config=CoachConfig(),
    )
    assert [s.action for s in suggest(state) if s.rule == "gate_rejects"] == [ReviewGenerated(("pear",))]


def test_tally_gate_needs_one_label_per_verdict():
    with pytest.raises(ValueError, match="one class per verdict"):
        tally_gate(["apple"], [])


def test_a_single_class_project_is_built_but_only_asked_for_another_class(fruit):
    images, masks, labels = fruit
    apples = [row for row, label in enumerate(labels) if label == "apple"]
    state = build_state(
        ("apple",),
        [images[row] for row in apples],
        ["apple"] * len(apples),
        masks=[masks[row] for row in apples],
        features=clustered(["apple"] * len(apples)),
    )
    assert state.cues == {} and state.evaluation is None
    assert [s.rule for s in suggest(state)] == ["add_class", "few_samples"]

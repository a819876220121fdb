"""Real-only / generated-only / mixed, scored on real samples only, with no leak across folds."""

from __future__ import annotations

import json

import numpy as np
import pytest

from kiosk.learning.comparison import compare_training_sets
from kiosk.learning.svm import TrainingError

DIM = 48


def _separable(n_per_class: int, seed: int) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    centres = np.eye(DIM)[:2] * 3.0
    rows = np.vstack([centres[k] + rng.normal(size=(n_per_class, DIM)) * 0.5 for k in range(2)])
    return rows, ["apple"] * n_per_class + ["pear"] * n_per_class


def test_generated_copies_of_a_held_out_photo_never_train_the_fold_that_scores_it():
    # Labels are coin flips: nothing generalises, so only a leak (a copy of the held-out photo in the
    # training fold) could score well. Without grouping the mixed arm would memorise the copies.
    rng = np.random.default_rng(3)
    real = rng.normal(size=(40, DIM))
    labels = [str(v) for v in rng.choice(["apple", "pear"], size=40)]
    copies = real + rng.normal(size=real.shape) * 0.01
    features = np.vstack([real, copies])
    groups = [f"photo{i}" for i in range(40)] * 2
    flags = [False] * 40 + [True] * 40
    result = compare_training_sets(features, labels * 2, flags, groups, max_folds=3)
    assert result.mixed.evaluation is not None and result.real_only.evaluation is not None
    assert result.mixed.evaluation.count == 40
    assert result.mixed.evaluation.accuracy < 0.75
    assert result.mixed.trained_generated == result.mixed.trained_real  # only the training side's copies

    leaky = compare_training_sets(features, labels * 2, flags, [f"row{i}" for i in range(80)], max_folds=3)
    assert leaky.mixed.evaluation.accuracy > 0.9  # the same data without groups does leak


def test_each_arm_is_scored_on_every_real_sample_and_nothing_else():
    real, labels = _separable(10, seed=1)
    generated, generated_labels = _separable(6, seed=2)
    features = np.vstack([real, generated])
    flags = [False] * 20 + [True] * 12
    groups = [f"r{i}" for i in range(20)] + [f"r{i}" for i in range(12)]
    names = [f"real{i}" for i in range(20)] + [f"gen{i}" for i in range(12)]
    result = compare_training_sets(
        features, labels + generated_labels, flags, groups, names=names, max_folds=3
    )
    for arm in (result.real_only, result.generated_only, result.mixed):
        assert arm.evaluation is not None and arm.evaluation.count == 20
        assert arm.evaluation.accuracy == 1.0
    assert result.generated_only.trained_generated == 12 and result.generated_only.trained_real == 0
    assert (result.real_count, result.generated_count, result.folds) == (20, 12, 3)
    assert result.mixed_gain == 0.0
    json.dumps(result.as_json())


def test_generated_images_that_teach_the_wrong_thing_show_up_in_the_generated_only_arm():
    real, labels = _separable(10, seed=1)
    generated, generated_labels = _separable(6, seed=2)
    swapped = ["pear" if label == "apple" else "apple" for label in generated_labels]
    features = np.vstack([real, generated])
    flags = [False] * 20 + [True] * 12
    result = compare_training_sets(features, labels + swapped, flags, list(range(32)), max_folds=3)
    assert result.generated_only.evaluation.accuracy == 0.0
    assert result.real_only.evaluation.accuracy == 1.0
    misses = result.generated_only.evaluation.misses
    assert len(misses) == 20 and all(int(m.sample) < 20 for m in misses)  # real rows only


def test_arms_that_cannot_train_say_why():
    real, labels = _separable(10, seed=1)
    one_class = real[:3] + 0.01
    features = np.vstack([real, one_class])
    flags = [False] * 20 + [True] * 3
    result = compare_training_sets(
        features, labels + ["apple"] * 3, flags, [*range(20), 0, 1, 2], max_folds=3
    )
    assert result.generated_only.evaluation is None
    assert "at least two classes" in result.generated_only.skipped
    assert result.mixed.evaluation is not None

    no_generated = compare_training_sets(real, labels, [False] * 20, list(range(20)), max_folds=3)
    assert no_generated.mixed.evaluation is None and "no generated" in no_generated.mixed.skipped

    too_few = compare_training_sets(real[[0, 10]], ["apple", "pear"], [False, False], [0, 1])
    assert too_few.real_only.evaluation is None and "two real photos" in too_few.real_only.skipped
    assert too_few.folds == 0


def test_bad_input_is_refused():
    real, labels = _separable(5, seed=1)
    with pytest.raises(ValueError, match="one label, is_generated flag and group"):
        compare_training_sets(real, labels[:-1], [False] * 10, list(range(10)))
    with pytest.raises(TrainingError, match="at least two classes"):
        compare_training_sets(real, ["apple"] * 10, [False] * 10, list(range(10)))
    broken = real.copy()
    broken[2, 2] = np.inf
    with pytest.raises(ValueError, match="NaN or infinity"):
        compare_training_sets(broken, labels, [False] * 10, list(range(10)))
    with pytest.raises(ValueError, match="generated_weight"):
        compare_training_sets(real, labels, [False] * 10, list(range(10)), generated_weight=0)

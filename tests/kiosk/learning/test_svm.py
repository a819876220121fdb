import numpy as np
import pytest

from kiosk.learning import svm
from kiosk.learning.svm import TrainingError, train_linear_svm


def blobs(per_class: int, dim: int = 16, classes: str = "abc", spread: float = 0.6, seed: int = 0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(len(classes), dim))
    x = np.concatenate([c + spread * rng.normal(size=(per_class, dim)) for c in centres]).astype(np.float32)
    return x, [label for label in classes for _ in range(per_class)]


def test_separable_classes_are_learned_and_calibrated():
    x, y = blobs(12)
    fit = train_linear_svm(x, y)
    assert fit.folds == 5 and set(fit.cv_scores) == set(svm.C_GRID)
    assert fit.cv_accuracy == 1.0 and fit.c in fit.cv_scores
    assert fit.model.predict(x) == y
    assert fit.oof_proba.shape == (36, 3)
    np.testing.assert_allclose(fit.oof_proba.sum(axis=1), 1.0)
    # Calibrated on held-out margins: confident on clean data, a negative slope per class.
    assert (fit.oof_proba.max(axis=1) > 0.5).all() and (fit.model.sigmoid_a < 0).all()


def test_two_classes_use_one_margin():
    x, y = blobs(8, classes="ab")
    fit = train_linear_svm(x, y)
    assert fit.model.coef.shape == (1, 16) and fit.model.labels == ("a", "b")
    assert fit.model.predict(x) == y


def test_too_few_samples_to_hold_out_still_train_without_calibration():
    x, y = blobs(1)
    fit = train_linear_svm(x, y)
    assert fit.folds == 0 and fit.cv_accuracy is None and fit.oof_proba is None and fit.cv_scores == {}
    assert fit.c == svm.DEFAULT_C and fit.model.predict(x) == y


def test_two_folds_calibrate_but_do_not_search_c():
    x, y = blobs(2)
    fit = train_linear_svm(x, y)
    assert fit.folds == 2 and list(fit.cv_scores) == [svm.DEFAULT_C]


def test_groups_decide_the_folds():
    # Each class has 10 rows but only 2 groups: 2 folds, never 5.
    x, y = blobs(10)
    groups = [f"{label}{i % 2}" for i, label in enumerate(y)]
    assert train_linear_svm(x, y, groups=groups).folds == 2


def test_only_scored_rows_count_towards_the_held_out_accuracy():
    x, y = blobs(12, seed=3)
    y_noisy = list(y)
    scored = np.ones(len(y), dtype=bool)
    for i in range(0, len(y), 4):  # a quarter of the rows carry the wrong label and are not scored
        y_noisy[i] = "b" if y[i] != "b" else "c"
        scored[i] = False
    fit = train_linear_svm(x, y_noisy, scored=scored, c_grid=[0.1])
    assert fit.cv_accuracy == pytest.approx(
        float(
            np.mean(np.array(fit.model.labels)[fit.oof_proba[scored].argmax(1)] == np.array(y_noisy)[scored])
        )
    )


def test_large_sets_use_three_folds_and_search_c_on_a_subset():
    x, y = blobs(svm.LARGE_SET // 3 + 1, dim=8, spread=0.8)
    fit = train_linear_svm(x, y)
    assert fit.folds == svm.LARGE_SET_FOLDS
    assert fit.search_rows < svm.SEARCH_ROWS + 100 and fit.search_rows < len(y)
    assert fit.oof_proba.shape == (len(y), 3) and fit.cv_accuracy > 0.9


def test_threads_and_progress_give_the_same_model():
    x, y = blobs(10)
    seen = []
    one = train_linear_svm(x, y, workers=1)
    two = train_linear_svm(x, y, workers=2, progress=lambda done, total: seen.append((done, total)))
    np.testing.assert_array_equal(one.model.coef, two.model.coef)
    assert one.cv_scores == two.cv_scores
    assert [done for done, _ in seen] == list(range(1, len(seen) + 1))
    assert seen[-1][0] == seen[-1][1] == 5 * (len(svm.C_GRID) + 1) + 1


def test_weights_change_the_fit():
    x, y = blobs(10, spread=2.0, seed=4)
    plain = train_linear_svm(x, y, c_grid=[1.0])
    weights = np.where(np.array(y) == "a", 5.0, 1.0)
    weighted = train_linear_svm(x, y, c_grid=[1.0], weights=weights)
    assert not np.allclose(plain.model.coef, weighted.model.coef)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda x, y: (x, ["a"] * len(y)), "at least two classes"),
        (lambda x, y: (np.where(np.arange(x.size).reshape(x.shape) == 5, np.nan, x), y), "NaN"),
        (lambda x, y: (x, y[:-1]), "one label per feature row"),
    ],
)
def test_bad_input_is_refused(change, message):
    x, y = blobs(4)
    with pytest.raises(TrainingError, match=message):
        train_linear_svm(*change(x, y))


def test_bad_weights_are_refused():
    x, y = blobs(4)
    with pytest.raises(TrainingError, match="positive"):
        train_linear_svm(x, y, weights=np.zeros(len(y)))
    with pytest.raises(TrainingError, match="one entry per feature row"):
        train_linear_svm(x, y, scored=np.ones(3, dtype=bool))


def test_folds_depend_on_the_rows_not_on_the_random_ids_of_their_groups():
    """Sample ids are UUIDs: the same photos, captured again, must be split the same way."""
    rng = np.random.default_rng(0)
    y = np.repeat(["apple", "pear"], 12)
    photo_of_row = np.repeat(np.arange(12), 2)  # each photo and one generated copy, in capture order
    splits = []
    for _ in range(2):
        ids = np.array([f"{rng.integers(16**12):012x}" for _ in range(12)])  # fresh ids, random order
        splits.append(svm.group_folds(4, 0, y, ids[photo_of_row]))
    for (train_a, test_a), (train_b, test_b) in zip(*splits, strict=True):
        assert np.array_equal(train_a, train_b) and np.array_equal(test_a, test_b)
    assert all(len(set(photo_of_row[test]) & set(photo_of_row[train])) == 0 for train, test in splits[0])

"""The open-set rule: its two limits come from the training set, far features are unknown, close
calls are unsure, and the photos it was calibrated like are kept."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.learning import open_set
from kiosk.learning.linear_model import ModelFileError
from kiosk.learning.open_set import OpenSetRule, Rejection, confidence_threshold

DIM = 64
CLASSES = ("a", "b", "c")


def clusters(rng: np.random.Generator, per_class: int, spread: float = 0.25) -> tuple[np.ndarray, list[str]]:
    """Three tight clusters around fixed directions, as backbone features of three classes are."""
    centres = np.eye(DIM)[:3] * 4.0
    features = np.concatenate([centre + rng.normal(0, spread, (per_class, DIM)) for centre in centres])
    return features, [label for label in CLASSES for _ in range(per_class)]


def confident(labels: list[str]) -> np.ndarray:
    """Out-of-fold probabilities that put 0.95 on the true class."""
    proba = np.full((len(labels), len(CLASSES)), 0.025)
    proba[np.arange(len(labels)), [CLASSES.index(label) for label in labels]] = 0.95
    return proba


@pytest.fixture(scope="module")
def rule() -> OpenSetRule:
    features, labels = clusters(np.random.default_rng(0), 20)
    n = len(labels)
    return OpenSetRule.calibrate(features, labels, range(n), np.ones(n, bool), CLASSES, confident(labels))


def test_confidence_threshold_turns_away_at_most_the_budget_of_right_answers():
    rng = np.random.default_rng(1)
    n = 400
    truth = rng.integers(0, 2, n)
    top = rng.uniform(0.5, 1.0, n)
    proba = np.column_stack([top, 1 - top])
    proba[truth == 1] = proba[truth == 1][:, ::-1]
    wrong = rng.random(n) < 0.1  # a tenth of the held-out answers were wrong
    proba[wrong] = proba[wrong][:, ::-1]
    threshold = confidence_threshold(proba, truth)
    right = proba.argmax(axis=1) == truth
    turned_away = (proba.max(axis=1) < threshold) & right
    assert 0.5 < threshold <= open_set.MAX_CONFIDENCE
    assert turned_away.sum() <= open_set.CONFIDENCE_BUDGET * right.sum()
    # as high as allowed: the right answer it sits on would tip it over the budget
    assert (proba.max(axis=1)[right] <= threshold).sum() > open_set.CONFIDENCE_BUDGET * right.sum()


def test_confidence_threshold_is_capped_and_absent_without_held_out_answers():
    labels = ["a"] * 30 + ["b"] * 30
    truth = np.array([CLASSES.index(label) for label in labels])
    assert confidence_threshold(confident(labels), truth) == open_set.MAX_CONFIDENCE
    assert confidence_threshold(None, truth) == 0.0


def test_in_distribution_features_are_kept_and_far_ones_are_unknown(rule):
    fresh, labels = clusters(np.random.default_rng(2), 100)
    proba = confident(labels)
    verdicts = rule.judge(fresh, proba, CLASSES)
    assert sum(verdict is not None for verdict in verdicts) <= 3  # of 300: within the 1 % quantile + widening
    far = np.random.default_rng(3).normal(0, 1, (5, DIM))  # no class's direction
    far_verdicts = rule.judge(far, confident(["a"] * 5), CLASSES)
    assert [verdict.reason for verdict in far_verdicts] == ["unknown"] * 5
    assert rule.novelty(far).min() > rule.max_distance > rule.novelty(fresh[:1]).max()


def test_a_close_call_is_unsure_with_the_two_likely_classes(rule):
    features, _ = clusters(np.random.default_rng(4), 1)
    close = np.array([[0.30, 0.45, 0.25], [0.10, 0.15, 0.75], [0.05, 0.9, 0.05]])
    verdicts = rule.judge(features, close, CLASSES)
    assert verdicts[0] == Rejection("unsure", ("b", "a"))
    assert verdicts[0].as_json() == {"reason": "unsure", "candidates": ["b", "a"]}
    assert verdicts[1] == Rejection("unsure", ("c", "b"))  # 0.75 is below the capped 0.8
    assert verdicts[2] is None


def test_a_photo_is_measured_against_other_groups_only():
    """Views or variations of one photo stand beside it; counting them would shrink the limit to
    their distance and call every new photo unknown."""
    rng = np.random.default_rng(5)
    features, labels = clusters(rng, 15)
    views = [features + rng.normal(0, 0.01, features.shape) for _ in range(2)]  # two per photo
    rows = np.concatenate([features, *views])
    n = len(labels)
    groups = [*range(n)] * 3
    real = np.r_[np.ones(n, bool), np.zeros(2 * n, bool)]
    grouped = OpenSetRule.calibrate(rows, labels * 3, groups, real, CLASSES, None)
    ungrouped = OpenSetRule.calibrate(rows, labels * 3, range(3 * n), real, CLASSES, None)
    assert ungrouped.max_distance == open_set.MIN_DISTANCE  # its views only: down to the floor
    fresh, fresh_labels = clusters(np.random.default_rng(6), 30)
    assert all(v is None for v in grouped.judge(fresh, confident(fresh_labels), CLASSES))
    assert grouped.min_confidence == 0.0  # no held-out answers: never unsure


def test_round_trip_and_damaged_files(tmp_path, rule):
    path = tmp_path / "open_set.npz"
    rule.save(path)
    loaded = OpenSetRule.load(path)
    assert (loaded.neighbours, loaded.max_distance, loaded.min_confidence) == (
        rule.neighbours,
        rule.max_distance,
        rule.min_confidence,
    )
    np.testing.assert_array_equal(loaded.reference, rule.reference)  # already float16-rounded
    assert not list(tmp_path.glob(".*.tmp"))
    path.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ModelFileError, match="unreadable open-set rule"):
        OpenSetRule.load(path)
    np.savez(path, format=np.array("teachbooth-linear-svm"))
    with pytest.raises(ModelFileError, match="missing"):
        OpenSetRule.load(path)
    with pytest.raises(ModelFileError, match="no open-set rule"):
        OpenSetRule.load(tmp_path / "absent.npz")

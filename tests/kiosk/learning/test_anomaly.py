"""Teaching from good parts only: coreset, out-of-fold threshold, AUROC on rendered defects."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from kiosk.learning.anomaly import AnomalyDetector, nearest_distances
from kiosk.learning.anomaly_evaluation import auroc, evaluate_anomaly
from kiosk.learning.anomaly_training import GOOD_QUANTILE, MIN_GOOD, fit_anomaly
from kiosk.learning.coreset import greedy_k_center
from kiosk.learning.svm import TrainingError
from testkit.defects import parts


def mid_maps(backbone, found):
    pixels = [np.repeat(part.image[..., None], 3, axis=2) for part in found]
    return np.stack([maps.maps["mid"] for maps in backbone.embed_maps(pixels)])


@pytest.fixture(scope="module")
def casting(backbone):
    """Mid-level maps of 40 good castings to teach, and 16 good and 16 defective ones to judge."""
    teach = mid_maps(backbone, parts(40, texture="casting", defective=False, seed=5))
    good = mid_maps(backbone, parts(16, texture="casting", defective=False, seed=6))
    bad = mid_maps(backbone, parts(16, texture="casting", defective=True, seed=6))
    return teach, good, bad


def test_greedy_k_center_leaves_no_point_as_far_from_the_bank_as_a_random_pick_does():
    rng = np.random.default_rng(0)
    points = np.concatenate([rng.normal(0, 1, (2000, 8)), rng.normal(8, 0.1, (5, 8))])  # a rare cluster
    chosen = greedy_k_center(points, 50, seed=1)
    assert len(set(chosen)) == 50
    random = rng.choice(len(points), 50, replace=False)

    def coverage(rows):
        return np.sqrt(((points[:, None] - points[rows][None]) ** 2).sum(-1)).min(axis=1).max()

    assert coverage(chosen) < coverage(random)
    assert (chosen >= 2000).any()  # the rare cluster is in the bank


def test_the_threshold_comes_from_good_parts_scored_against_banks_without_them(casting):
    teach, _, _ = casting
    fit = fit_anomaly(teach)
    assert fit.oof_scores.shape == (40,) and (fit.oof_scores > 0.05).all()  # none found itself in a bank
    assert fit.detector.threshold == pytest.approx(np.quantile(fit.oof_scores, GOOD_QUANTILE))
    in_bank = np.array([fit.detector.score(grid) for grid in teach])
    assert np.median(in_bank) < np.median(fit.oof_scores)  # why the bank's own parts cannot set it
    assert fit.info()["oof_good_scores"]["false_alarms"] == int(
        (fit.oof_scores > fit.detector.threshold).sum()
    )


def test_defective_castings_score_above_good_ones(casting):
    teach, good, bad = casting
    detector = fit_anomaly(teach).detector
    scores = np.array([detector.score(grid) for grid in [*good, *bad]])
    truth = np.array([False] * len(good) + [True] * len(bad))
    assert auroc(scores, truth) >= 0.85
    evaluation = evaluate_anomaly(
        scores, ["good"] * 16 + ["crack"] * 16, "good", detector.threshold, list(map(str, range(32)))
    )
    assert evaluation.accuracy >= 0.7 and evaluation.auroc == pytest.approx(auroc(scores, truth))


def test_auroc_agrees_with_scikit_learn_ties_included():
    rng = np.random.default_rng(2)
    scores = np.round(rng.normal(size=60), 1)
    truth = rng.random(60) < 0.4
    assert auroc(scores, truth) == pytest.approx(roc_auc_score(truth, scores))
    assert auroc(scores, np.zeros(60, bool)) is None


def test_too_few_good_parts_are_refused(casting):
    with pytest.raises(TrainingError, match=f"at least {MIN_GOOD}"):
        fit_anomaly(casting[0][: MIN_GOOD - 1])


def test_a_detector_round_trips_through_its_file_with_the_same_scores(tmp_path, casting):
    teach, good, _ = casting
    detector = fit_anomaly(teach).detector
    detector.save(tmp_path / "anomaly.npz")
    loaded = AnomalyDetector.load(tmp_path / "anomaly.npz")
    np.testing.assert_allclose(
        loaded.patch_scores(good[0]), detector.patch_scores(good[0]), rtol=0, atol=1e-6
    )
    assert (loaded.threshold, loaded.floor, loaded.grid) == (detector.threshold, detector.floor, (14, 14))
    assert nearest_distances(detector.bank[:3], detector.bank).max() < 0.02  # float16 rows: near 0

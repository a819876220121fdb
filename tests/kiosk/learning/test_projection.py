import numpy as np
import pytest

from kiosk.learning.linear_model import unit_rows
from kiosk.learning.projection import Projection
from kiosk.learning.svm import train_linear_svm


def _rows(n: int, dim: int, seed: int = 0) -> np.ndarray:
    return unit_rows(np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32))


def test_few_rows_are_spanned_exactly():
    x = _rows(40, 300)
    projection = Projection.fit(x)
    assert projection is not None and projection.components == 40
    assert projection.energy == pytest.approx(1.0)
    basis = projection.basis.astype(np.float64)
    np.testing.assert_allclose(basis.T @ basis, np.eye(40), atol=1e-5)
    # Every row is its own reconstruction: nothing of the data is outside the basis.
    np.testing.assert_allclose(projection.apply(x) @ projection.basis.T, x, atol=1e-5)


def test_folded_back_weights_give_the_same_margins():
    x = _rows(500, 300)
    projection = Projection.fit(x, max_components=64)
    assert projection is not None and projection.components == 64 and 0 < projection.energy < 1
    weights = np.random.default_rng(1).normal(size=(3, 64))
    np.testing.assert_allclose(
        projection.apply(x) @ weights.T, x @ projection.fold_back(weights).T, rtol=1e-4, atol=1e-4
    )


def test_no_projection_when_it_would_not_shrink_the_problem():
    assert Projection.fit(_rows(500, 32)) is None
    assert Projection.fit(_rows(500, 300), max_components=None) is None


def test_svm_in_the_span_matches_the_svm_on_the_features():
    from sklearn.svm import LinearSVC

    rng = np.random.default_rng(2)
    centres = rng.normal(size=(3, 200))
    labels = np.repeat(["a", "b", "c"], 20)
    x = np.repeat(centres, 20, axis=0) + 2.0 * rng.normal(size=(60, 200))
    projected = train_linear_svm(x, labels, c_grid=[1.0], max_folds=3)
    assert projected.components == 60 and projected.energy == pytest.approx(1.0)
    plain = LinearSVC(C=1.0, class_weight="balanced", dual=True, tol=1e-8, max_iter=100_000)
    plain.fit(unit_rows(x), labels)
    # The same optimum up to the solver's tolerance: same margins and answers on new points.
    probe = rng.normal(size=(30, 200))
    expected = plain.decision_function(unit_rows(probe))
    np.testing.assert_allclose(projected.model.margins(probe), expected, atol=5e-3)
    assert projected.model.predict(probe) == list(plain.predict(unit_rows(probe)))

import ast
from pathlib import Path

import numpy as np
import pytest

from kiosk.learning import linear_model
from kiosk.learning.linear_model import LinearModel, ModelFileError, unit_rows


def model(labels=("a", "b", "c"), dim=4) -> LinearModel:
    rows = 1 if len(labels) == 2 else len(labels)
    rng = np.random.default_rng(0)
    return LinearModel(
        labels=tuple(labels),
        coef=rng.normal(size=(rows, dim)),
        intercept=rng.normal(size=rows),
        sigmoid_a=-np.abs(rng.normal(size=rows)) - 1,
        sigmoid_b=rng.normal(size=rows) * 0.1,
    )


def test_imports_numpy_only():
    # A verbatim copy ships in model bundles next to a predict.py that has NumPy and nothing else.
    tree = ast.parse(Path(linear_model.__file__).read_text())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level == 0
    }
    assert imported <= {"numpy", "io", "os", "dataclasses", "pathlib", "zipfile", "__future__"}


def test_probabilities_follow_the_margins():
    m = model()
    x = np.random.default_rng(1).normal(size=(20, 4))
    proba = m.predict_proba(x)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    # Each class's value is its own sigmoid of its own margin, normalised over the classes.
    calibrated = 1 / (1 + np.exp(m.sigmoid_a * m.margins(x) + m.sigmoid_b))
    np.testing.assert_allclose(proba, calibrated / calibrated.sum(axis=1, keepdims=True))
    # Margins are taken on unit-length features: scaling an input changes nothing.
    np.testing.assert_allclose(m.predict_proba(x * 7.5), proba, rtol=1e-6)


def test_two_labels_share_one_margin():
    m = model(("no", "yes"))
    x = np.random.default_rng(2).normal(size=(10, 4))
    proba = m.predict_proba(x)
    sigmoid = 1 / (1 + np.exp(m.sigmoid_a[0] * m.margins(x)[:, 0] + m.sigmoid_b[0]))
    np.testing.assert_allclose(proba[:, 1], sigmoid)
    np.testing.assert_allclose(proba[:, 0], 1 - sigmoid)


def test_zero_features_stay_finite():
    assert np.isfinite(unit_rows(np.zeros((2, 4)))).all()
    assert np.isfinite(model().predict_proba(np.zeros((1, 4)))).all()


def test_save_and_load_round_trip(tmp_path):
    m = model()
    m.save(tmp_path / "c.npz")
    loaded = LinearModel.load(tmp_path / "c.npz")
    assert loaded.labels == m.labels
    for name in ("coef", "intercept", "sigmoid_a", "sigmoid_b"):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(m, name))
    assert not list(tmp_path.glob(".*.tmp"))


def test_damaged_and_foreign_files_are_refused(tmp_path):
    with pytest.raises(ModelFileError, match="no classifier file"):
        LinearModel.load(tmp_path / "missing.npz")
    (tmp_path / "garbage.npz").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ModelFileError, match="unreadable"):
        LinearModel.load(tmp_path / "garbage.npz")
    model().save(tmp_path / "good.npz")
    data = (tmp_path / "good.npz").read_bytes()
    (tmp_path / "cut.npz").write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError):
        LinearModel.load(tmp_path / "cut.npz")
    np.savez(tmp_path / "other.npz", weights=np.zeros(3))
    with pytest.raises(ModelFileError, match="missing"):
        LinearModel.load(tmp_path / "other.npz")
    pickled = tmp_path / "pickled.npz"
    np.savez(pickled, **{name: np.array([object()], dtype=object) for name in linear_model.FIELDS})
    with pytest.raises(ModelFileError):
        LinearModel.load(pickled)


def test_newer_format_version_is_refused(tmp_path):
    m = model()
    np.savez(
        tmp_path / "new.npz",
        format=np.array(linear_model.FORMAT),
        version=np.array(linear_model.VERSION + 1),
        labels=np.array(m.labels),
        coef=m.coef,
        intercept=m.intercept,
        sigmoid_a=m.sigmoid_a,
        sigmoid_b=m.sigmoid_b,
    )
    with pytest.raises(ModelFileError, match="newer"):
        LinearModel.load(tmp_path / "new.npz")


@pytest.mark.parametrize(
    "change",
    [
        {"labels": ("a",)},
        {"labels": ("a", "a", "b")},
        {"coef": np.zeros((2, 4))},
        {"intercept": np.zeros(2)},
        {"coef": np.full((3, 4), np.nan)},
    ],
)
def test_inconsistent_models_are_refused(change):
    m = model()
    fields = {name: getattr(m, name) for name in ("labels", "coef", "intercept", "sigmoid_a", "sigmoid_b")}
    with pytest.raises(ModelFileError):
        LinearModel(**(fields | change))


def test_wrong_feature_width_is_a_clear_error():
    with pytest.raises(ValueError, match=r"shape \(n, 4\)"):
        model().predict_proba(np.zeros((1, 5)))

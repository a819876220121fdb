import numpy as np
import pytest

from kiosk.learning.evaluate import evaluate_predictions


def onehot(indices, width=3, confidence=0.8):
    out = np.full((len(indices), width), (1 - confidence) / (width - 1))
    out[np.arange(len(indices)), indices] = confidence
    return out


def test_counts_accuracy_per_class_and_confusion():
    true = ["a", "a", "b", "b", "c"]
    proba = onehot([0, 1, 1, 1, 0])
    proba[4] = [0.9, 0.05, 0.05]
    result = evaluate_predictions(true, proba, ["a", "b", "c"], samples=["s1", "s2", "s3", "s4", "s5"])
    assert result.accuracy == pytest.approx(3 / 5)
    assert result.per_class == {"a": 0.5, "b": 1.0, "c": 0.0}
    assert result.confusion == ((1, 1, 0), (0, 2, 0), (1, 0, 0))
    assert [(m.sample, m.true, m.predicted) for m in result.misses] == [("s5", "c", "a"), ("s2", "a", "b")]
    assert result.misses[0].confidence == pytest.approx(0.9)
    assert result.confused_pairs() == [("a", "b", 1), ("c", "a", 1)]
    report = result.as_json()
    assert {"accuracy", "per_class", "confusion", "labels", "count", "misclassified"} <= set(report)


def test_a_class_the_model_does_not_know_gets_its_own_row():
    result = evaluate_predictions(["a", "new"], onehot([0, 1], width=2), ["a", "b"])
    assert result.labels == ("a", "b", "new")
    assert result.confusion[2] == (0, 1, 0) and result.per_class["new"] == 0.0
    assert result.per_class["b"] is None


def test_shape_mismatch_and_empty_input_are_errors():
    with pytest.raises(ValueError, match="shape"):
        evaluate_predictions(["a"], np.zeros((1, 2)), ["a", "b", "c"])
    with pytest.raises(ValueError, match="no samples"):
        evaluate_predictions([], np.zeros((0, 2)), ["a", "b"])

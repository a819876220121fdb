import numpy as np
import pytest

from kiosk.learning.config import TrainingConfig
from kiosk.learning.trainer import TrainingRows, fit_rows
from kiosk.learning.views import VIEWS


def rows_and_views(per_class: int = 8, view_noise: float = 0.3, seed: int = 0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(2, 32))
    labels = [label for label in "ab" for _ in range(per_class)]
    x = np.repeat(centres, per_class, axis=0) + 1.2 * rng.normal(size=(2 * per_class, 32))
    names = [f"s{i}" for i in range(len(labels))]
    rows = TrainingRows.of(x, labels, names, names, 1.0, real=True)
    views = [
        TrainingRows.of(
            x + view_noise * rng.normal(size=x.shape),
            labels,
            [f"{n}#{v}" for n in names],
            names,
            1.0,
            real=False,
        )
        for v in VIEWS
    ]
    return rows, views[0] + views[1]


@pytest.mark.parametrize("mode", ["off", "on", "auto"])
def test_augmentation_modes_and_their_record(mode):
    rows, views = rows_and_views()
    outcome = fit_rows(rows, views, TrainingConfig(augmentation=mode))
    record = outcome.augmentation
    assert record["mode"] == mode
    if mode == "off":
        assert not record["used"] and outcome.fit.oof_proba.shape[0] == len(rows)
    elif mode == "on":
        assert record["used"] and outcome.fit.oof_proba.shape[0] == 3 * len(rows)
    else:
        # Kept exactly when it raised the held-out accuracy on the real rows.
        assert record["used"] == (record["cv_accuracy_with"] > record["cv_accuracy_without"])
        assert outcome.fit.cv_accuracy == max(record["cv_accuracy_with"], record["cv_accuracy_without"])
    assert outcome.counts["a"] == {"real": 8, "generated": 0, "views": 16 if record["used"] else 0}
    # Scored on the real rows only, whatever trained.
    assert outcome.evaluation.count == len(rows)
    # The open-set rule stands on the photos themselves, never their views, whatever trained.
    assert outcome.open_set.reference.shape == rows.features.shape
    assert outcome.info(TrainingConfig(augmentation=mode))["open_set"] == outcome.open_set.summary()


def test_views_that_carry_the_wrong_label_are_rejected_by_auto():
    rows, views = rows_and_views(per_class=10, seed=1)
    swapped = TrainingRows.of(
        views.features,
        ["b" if label == "a" else "a" for label in views.labels],
        list(views.names),
        list(views.groups),
        1.0,
        real=False,
    )
    outcome = fit_rows(rows, swapped, TrainingConfig(augmentation="auto"))
    assert not outcome.augmentation["used"]
    assert outcome.augmentation["cv_accuracy_with"] < outcome.augmentation["cv_accuracy_without"]


def test_generated_rows_train_but_are_not_scored():
    rows, _ = rows_and_views()
    rng = np.random.default_rng(5)
    generated = TrainingRows.of(
        rows.features + 0.1 * rng.normal(size=rows.features.shape),
        list(rows.labels),
        [f"g{i}" for i in range(len(rows))],
        list(rows.groups),
        0.5,
        real=False,
    )
    outcome = fit_rows(rows + generated, None, TrainingConfig(augmentation="off"))
    assert outcome.counts["b"] == {"real": 8, "generated": 8, "views": 0}
    assert outcome.evaluation.count == len(rows)
    assert all(miss.sample.startswith("s") for miss in outcome.evaluation.misses)
    info = outcome.info(TrainingConfig(augmentation="off"), source="test")
    assert info["source"] == "test" and info["config"]["augmentation"] == "off"
    assert info["evaluation"]["count"] == len(rows)
    # Gated generated rows are part of what the model knows: the novelty check counts them.
    assert outcome.open_set.reference.shape[0] == 2 * len(rows)


def test_rows_must_line_up():
    with pytest.raises(ValueError, match="n labels"):
        TrainingRows.of(np.zeros((3, 4)), ["a", "b"], ["1", "2"], ["1", "2"], 1.0, real=True)


def test_config_is_strict():
    with pytest.raises(ValueError):
        TrainingConfig(generated_weight=0)
    with pytest.raises(ValueError):
        TrainingConfig(augmentation="sometimes")
    with pytest.raises(ValueError):
        TrainingConfig(unknown=1)
    for name, field in TrainingConfig.model_fields.items():
        assert field.title and field.description, name

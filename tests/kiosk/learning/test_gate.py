"""The gate on feature sets built to pass and to fail each way."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kiosk.learning.gate import GateVerdict, changes_a_cue, gate_generated

DIM = 64


def _directions(seed: int, count: int) -> np.ndarray:
    """`count` orthonormal directions: class prototypes and noise that cannot leak between them."""
    q, _ = np.linalg.qr(np.random.default_rng(seed).normal(size=(DIM, DIM)))
    return q[:, :count].T


def _cloud(centre: np.ndarray, noise: np.ndarray, spread: float, n: int, seed: int) -> np.ndarray:
    """n points around `centre`, pushed along random mixtures of the `noise` directions."""
    mix = np.random.default_rng(seed).normal(size=(n, len(noise)))
    return centre + spread * mix @ noise / math.sqrt(len(noise))


@pytest.fixture(scope="module")
def axes() -> np.ndarray:
    return _directions(0, 20)


def _real(axes: np.ndarray, apple_spread: float = 0.3, pear_spread: float = 0.3):
    apples = _cloud(axes[0], axes[2:10], apple_spread, 8, seed=1)
    pears = _cloud(axes[1], axes[10:18], pear_spread, 8, seed=2)
    return np.vstack([apples, pears]), ["apple"] * 8 + ["pear"] * 8


def test_a_sample_like_its_own_class_passes(axes):
    features, labels = _real(axes)
    generated = _cloud(axes[0], axes[2:10], 0.3, 3, seed=9)
    verdicts = gate_generated(features, labels, generated, ["apple"] * 3)
    assert [v.passed for v in verdicts] == [True] * 3
    assert all(v.other_label == "pear" and v.own_similarity > v.other_similarity for v in verdicts)
    assert "closer to them than to any other class" in verdicts[0].reason


def test_a_sample_far_from_every_class_fails_as_too_different(axes):
    features, labels = _real(axes)
    # Mostly an unrelated direction: still nearer apple than pear, but nowhere near the apples.
    generated = (0.25 * axes[0] + axes[19])[None]
    (verdict,) = gate_generated(features, labels, generated, ["apple"])
    assert not verdict.passed
    assert verdict.own_similarity > verdict.other_similarity
    assert verdict.reason.startswith("Too different from your apple photos")


def test_a_sample_nearer_another_class_fails_as_confusing(axes):
    features, labels = _real(axes, apple_spread=1.2)  # loose apples: closeness alone would let it in
    generated = (0.7 * axes[0] + 0.8 * axes[1])[None]
    (verdict,) = gate_generated(features, labels, generated, ["apple"])
    assert not verdict.passed
    assert verdict.other_label == "pear" and verdict.other_similarity >= verdict.own_similarity
    assert verdict.reason == "Looks more like pear than apple, so it could confuse the two."


def test_close_enough_follows_the_spread_of_the_real_class(axes):
    candidate = (axes[0] + 0.9 * axes[19])[None]  # similarity ~0.74 to the apple prototype
    tight, labels = _real(axes, apple_spread=0.05)
    loose, _ = _real(axes, apple_spread=0.8)
    assert not gate_generated(tight, labels, candidate, ["apple"])[0].passed
    assert gate_generated(loose, labels, candidate, ["apple"])[0].passed


def test_the_similarity_floor_holds_however_loose_the_class(axes):
    features, labels = _real(axes, apple_spread=5.0)
    generated = (0.2 * axes[0] + axes[19])[None]
    (verdict,) = gate_generated(features, labels, generated, ["apple"], min_similarity=0.3)
    assert not verdict.passed and "needs 0.30" in verdict.reason


def test_one_real_sample_per_class_borrows_a_spread_and_still_judges(axes):
    features, labels = np.vstack([axes[0], axes[1]]), ["apple", "pear"]
    near = (axes[0] + 0.2 * axes[5])[None]
    far = (axes[0] + 3.0 * axes[5])[None]
    verdicts = gate_generated(features, labels, np.vstack([near, far]), ["apple", "apple"])
    assert [v.passed for v in verdicts] == [True, False]


def test_a_label_without_real_samples_fails_with_a_clear_reason(axes):
    features, labels = _real(axes)
    (verdict,) = gate_generated(features, labels, axes[0][None], ["quince"])
    assert isinstance(verdict, GateVerdict) and not verdict.passed and verdict.other_label is None
    assert math.isnan(verdict.own_similarity)
    assert verdict.reason == "There are no real quince photos yet to compare this image with."


def test_a_generated_row_with_nan_fails_without_stopping_the_others(axes):
    features, labels = _real(axes)
    generated = np.vstack([axes[0], np.full(DIM, np.nan)])
    verdicts = gate_generated(features, labels, generated, ["apple", "apple"])
    assert verdicts[0].passed and not verdicts[1].passed
    assert "could not be analysed" in verdicts[1].reason


def test_a_single_class_has_no_rival_and_is_judged_on_closeness_alone(axes):
    features = _cloud(axes[0], axes[2:10], 0.3, 5, seed=3)
    verdicts = gate_generated(features, ["apple"] * 5, np.vstack([axes[0], axes[19]]), ["apple", "apple"])
    assert [v.passed for v in verdicts] == [True, False]
    assert verdicts[0].other_label is None and math.isnan(verdicts[0].other_similarity)


def test_nothing_generated_gives_no_verdicts(axes):
    features, labels = _real(axes)
    assert gate_generated(features, labels, np.zeros((0, DIM)), []) == []


def test_bad_input_is_refused_with_a_clear_error(axes):
    features, labels = _real(axes)
    with pytest.raises(ValueError, match="different backbones"):
        gate_generated(features, labels, np.zeros((1, DIM + 1)), ["apple"])
    with pytest.raises(ValueError, match="3 feature rows but 2 labels"):
        gate_generated(features, labels, np.zeros((3, DIM)), ["apple", "pear"])
    with pytest.raises(ValueError, match="2-D array"):
        gate_generated(features, labels, np.zeros(DIM), ["apple"])
    broken = features.copy()
    broken[0, 0] = np.nan
    with pytest.raises(ValueError, match="real features contain NaN"):
        gate_generated(broken, labels, axes[:1], ["apple"])


def test_a_picture_made_to_change_a_cue_needs_only_the_similarity_floor(axes):
    """A recoloured apple moves away from the apples along colour, and colour may be what the pears
    share: judged like any picture it is refused both ways; made to change a cue, it is let in."""
    features, labels = _real(axes, apple_spread=0.05)
    recoloured = (0.5 * axes[0] + 0.55 * axes[1] + 0.3 * axes[19])[None]
    (plain,) = gate_generated(features, labels, recoloured, ["apple"])
    (cue,) = gate_generated(features, labels, recoloured, ["apple"], cue_changed=[True])
    assert not plain.passed and cue.passed
    assert cue.reason == "Made to change one thing about your apple photos, and still close enough to them."


def test_a_cue_change_still_never_lets_in_something_unrelated(axes):
    features, labels = _real(axes)
    unrelated = (0.1 * axes[0] + axes[19])[None]
    (verdict,) = gate_generated(
        features, labels, unrelated, ["apple"], cue_changed=[True], min_similarity=0.3
    )
    assert not verdict.passed and "needs 0.30" in verdict.reason


def test_which_presets_change_a_cue():
    assert changes_a_cue({"preset": "new_colour"}) and changes_a_cue({"preset": "new_background"})
    assert not changes_a_cue({"preset": "new_angle"}) and not changes_a_cue(None)
    assert not changes_a_cue({"preset": "mix"})

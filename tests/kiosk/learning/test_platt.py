"""Probability calibration never turns the SVM's ranking upside down."""

from __future__ import annotations

import numpy as np

from kiosk.learning.svm import UNCALIBRATED_SLOPE, _platt


def probability(a: float, b: float, margin: float) -> float:
    return 1.0 / (1.0 + np.exp(a * margin + b))


def test_held_out_margins_that_agree_with_the_class_are_calibrated() -> None:
    margins = np.array([-2.0, -1.5, -0.5, 0.4, 1.2, 2.0])
    a, b = _platt(margins, margins > 0)
    assert a < 0 and probability(a, b, 1.5) > 0.9 > 0.1 > probability(a, b, -1.5)


def test_held_out_margins_that_rank_the_class_backwards_leave_it_uncalibrated() -> None:
    """Two photos a class, each held out and missed: the margins say the opposite of the truth."""
    margins = np.array([-1.0, -0.8, 0.7, 1.1])
    a, b = _platt(margins, np.array([True, True, False, False]))
    assert (a, b) == (-UNCALIBRATED_SLOPE, 0.0)
    assert probability(a, b, 1.0) > 0.5 > probability(a, b, -1.0)

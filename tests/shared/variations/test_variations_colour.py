"""The vectorised HSV conversion agrees with the standard library and round-trips."""

from __future__ import annotations

import colorsys

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from shared.variations.colour import hsv_to_rgb, rgb_to_hsv

unit = st.floats(0.0, 1.0)


@given(red=unit, green=unit, blue=unit)
def test_rgb_to_hsv_matches_colorsys(red: float, green: float, blue: float) -> None:
    expected = colorsys.rgb_to_hsv(red, green, blue)
    actual = rgb_to_hsv(np.array([red, green, blue]))
    np.testing.assert_allclose(actual, expected, atol=1e-9)


@given(hue=unit, saturation=unit, value=unit)
def test_hsv_to_rgb_matches_colorsys(hue: float, saturation: float, value: float) -> None:
    expected = colorsys.hsv_to_rgb(hue % 1.0, saturation, value)
    actual = hsv_to_rgb(np.array([hue, saturation, value]))
    np.testing.assert_allclose(actual, expected, atol=1e-9)


@given(arrays(np.uint8, (5, 4, 3)))
def test_round_trip_returns_the_same_8bit_pixels(pixels: np.ndarray) -> None:
    rgb = pixels.astype(np.float32) / 255.0
    back = np.rint(hsv_to_rgb(rgb_to_hsv(rgb)) * 255.0)
    np.testing.assert_array_equal(back, pixels)

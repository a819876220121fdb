"""Camera imperfections: mild gaussian blur and sensor noise.

Real kiosk frames are sometimes out of focus and always a little noisy;
generated images that are perfectly crisp would be easy to tell apart from
real ones, and MIX adds both so its images look like they came from a camera.
"""

from __future__ import annotations

import math

import numpy as np

from shared.variations.frame import Frame

#: Blur sigma in pixels at change = 1 (the drawn sigma is uniform in [0, this x change]).
MAX_BLUR_SIGMA = 1.5
#: Noise sigma in 8-bit levels at change = 1 (drawn uniform in [0, this x change]).
MAX_NOISE_SIGMA = 8.0
#: Below this sigma a gaussian is the identity (its neighbour weight is under 1e-21), so skip it.
MIN_BLUR_SIGMA = 0.1


def _gaussian_kernel(sigma: float) -> np.ndarray:
    """A normalised 1-D gaussian reaching three sigmas either side."""
    radius = max(1, math.ceil(3.0 * sigma))
    taps = np.arange(-radius, radius + 1, dtype=np.float32)
    kernel = np.exp(-0.5 * (taps / sigma) ** 2)
    return (kernel / kernel.sum()).astype(np.float32)


def _convolve_axis(planes: np.ndarray, kernel: np.ndarray, axis: int) -> np.ndarray:
    """Convolve along one axis with mirrored borders (a sum of shifted copies: fast for short kernels)."""
    radius = len(kernel) // 2
    pad = [(0, 0)] * planes.ndim
    pad[axis] = (radius, radius)
    padded = np.pad(planes, pad, mode="symmetric")
    length = planes.shape[axis]
    result = np.zeros_like(planes)
    for offset, weight in enumerate(kernel):
        result += weight * np.take(padded, np.arange(offset, offset + length), axis=axis)
    return result


def gaussian_blur(rgb: np.ndarray, sigma: float) -> np.ndarray:
    """Blur a (height, width, 3) image with a separable gaussian; a tiny sigma returns it unchanged."""
    if sigma < MIN_BLUR_SIGMA:
        return rgb
    kernel = _gaussian_kernel(sigma)
    return _convolve_axis(_convolve_axis(rgb, kernel, axis=0), kernel, axis=1)


def blur(frame: Frame, rng: np.random.Generator, change: float) -> Frame:
    """Soften focus by a sigma scaled by `change`."""
    sigma = rng.uniform(0.0, MAX_BLUR_SIGMA) * change
    return frame.with_step(gaussian_blur(frame.rgb, sigma), f"gaussian_blur(sigma={sigma:.1f})")


def add_noise(frame: Frame, rng: np.random.Generator, change: float) -> Frame:
    """Add independent gaussian noise per pixel and channel, sigma scaled by `change`."""
    sigma = rng.uniform(0.0, MAX_NOISE_SIGMA) * change
    noise = rng.normal(0.0, sigma, size=frame.rgb.shape).astype(np.float32)
    return frame.with_step(frame.rgb + noise, f"gaussian_noise(sigma={sigma:.1f})")

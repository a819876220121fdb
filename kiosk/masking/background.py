"""The empty scene, learned and kept up to date, and the pixels that differ from it.

A kiosk camera is fixed and looks at a fixed backdrop, so whatever differs from the empty scene is
the visitor or what they show. The model is a running average of frames in which nobody is in view
(the caller decides that), kept at the working resolution where shrinking has already averaged away
most camera grain. Pixels that differ from it do not blend in at all until they have stayed the same
for `absorb_frames` empty frames in a row: then they are taken over at once. An object left lying in
view becomes part of the scene after a while (it was left, so it is the scene now), and so does the
empty spot where a long-lying object was taken away; an object shown for less than that, even held
still on a stand with nobody in view, leaves no ghost that would pass for an object later. (A
running average that absorbed changed pixels slowly did leave one: a ball shown for three seconds
was a third blended in, and the empty backdrop after it was "found" and saved as a photo of it.)
Mild light drift
(auto-exposure, a cloud) scales the whole frame: one gain, the median brightness ratio, is divided
out before comparing, so it does not light up every pixel.
"""

from __future__ import annotations

import numpy as np


class BackgroundModel:
    """Running average of empty frames; `changed` marks pixels that differ from it."""

    def __init__(self, threshold: float, rate: float, absorb_frames: int) -> None:
        self.threshold = float(threshold)
        self.rate = float(rate)
        self.absorb_frames = int(absorb_frames)
        self._mean: np.ndarray | None = None
        self._previous: np.ndarray | None = None
        """The last empty frame: a changed pixel counts as lasting only while it holds still."""
        self._still: np.ndarray | None = None
        """Per pixel, the empty frames in a row it has been changed and still."""

    @property
    def learned(self) -> bool:
        return self._mean is not None

    @property
    def image(self) -> np.ndarray | None:
        """The current empty scene (float32, H x W x 3), or None before the first empty frame."""
        return self._mean

    def reset(self) -> None:
        self._mean = self._previous = self._still = None

    def _check(self, frame: np.ndarray) -> None:
        if self._mean is not None and frame.shape != self._mean.shape:
            raise ValueError(
                f"frame is {frame.shape[1]}x{frame.shape[0]} but the background was learned at "
                f"{self._mean.shape[1]}x{self._mean.shape[0]}; reset the background when the camera changes"
            )

    def update(self, frame: np.ndarray, changed: np.ndarray | None = None) -> None:
        """Blend an empty frame in (the first one becomes the background outright). Pixels marked
        `changed` (what `changed` returned for this frame) are left out, until they have been
        changed and still for `absorb_frames` empty frames in a row: then they are copied in."""
        import cv2

        self._check(frame)
        pixels = cv2.convertScaleAbs(frame)  # uint8 whatever came in (a still's backdrop is float)
        previous, self._previous = self._previous, pixels
        if self._mean is None or self._still is None or previous is None:
            self._mean = frame.astype(np.float32)
            self._still = np.zeros(frame.shape[:2], np.uint16)
            return
        if changed is None or not changed.any():
            cv2.accumulateWeighted(frame, self._mean, self.rate)
            self._still[:] = 0
            return
        cv2.accumulateWeighted(frame, self._mean, self.rate, mask=(~changed).astype(np.uint8))
        still = changed & (_largest_channel(cv2.absdiff(pixels, previous)) <= self.threshold)
        self._still = np.where(still, np.minimum(self._still, self.absorb_frames) + 1, 0).astype(np.uint16)
        lasting = self._still >= self.absorb_frames
        if lasting.any():
            self._mean[lasting] = frame[lasting]
            self._still[lasting] = 0

    def gain(self, frame: np.ndarray) -> float:
        """How much brighter the frame is than the background, overall (robust to a large object)."""
        assert self._mean is not None
        # Every 4th pixel each way: the median of 5,000 ratios is as steady as of 80,000, at 1/16 the cost.
        now = frame[::4, ::4].sum(axis=2, dtype=np.float32)
        then = self._mean[::4, ::4].sum(axis=2)
        ratio = now[then > 8.0] / then[then > 8.0]
        return float(np.median(ratio)) if ratio.size else 1.0

    def changed(self, frame: np.ndarray) -> np.ndarray:
        """bool H x W: pixels whose largest channel difference exceeds the threshold."""
        if self._mean is None:
            raise RuntimeError("no background yet: update() with an empty frame first")
        import cv2

        self._check(frame)
        reference = cv2.convertScaleAbs(self._mean, alpha=self.gain(frame))  # uint8, saturated
        return _largest_channel(cv2.absdiff(frame, reference)) > self.threshold


def _largest_channel(difference: np.ndarray) -> np.ndarray:
    """Per pixel, the largest of the three channels of a uint8 difference image."""
    import cv2

    red, green, blue = cv2.split(difference)
    return cv2.max(cv2.max(red, green), blue)  # NumPy's max(axis=2) is 30x slower

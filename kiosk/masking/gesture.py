"""Hands-free capture: an open palm held still for a moment takes the picture.

Driven by landmarks and timestamps only (frame timestamps, or an injected clock), so it runs on
whatever the hand tracker saw and tests need no sleeps. MediaPipe misses a hand for a frame now and
then, so short gaps do not restart the hold; the trigger fires once per hold and re-arms only after
the palm has gone away.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from kiosk.masking.landmarks import Hand


class OpenPalmTrigger:
    """`update(hands, t)` returns True once when an open palm has been held for `hold_s` seconds."""

    def __init__(
        self, hold_s: float = 1.0, max_gap_s: float = 0.25, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if hold_s <= 0 or max_gap_s < 0:
            raise ValueError(f"hold_s must be positive and max_gap_s not negative, got {hold_s}, {max_gap_s}")
        self.hold_s = hold_s
        self.max_gap_s = max_gap_s
        self._clock = clock
        self._since: float | None = None
        self._last_seen = 0.0
        self._last_time: float | None = None
        self._fired = False

    @property
    def progress(self) -> float:
        """0..1 of the hold so far (for a ring drawn around the palm on the preview)."""
        if self._since is None or self._fired or self._last_time is None:
            return 0.0
        return min(1.0, (self._last_seen - self._since) / self.hold_s)

    def update(self, hands: Sequence[Hand], timestamp: float | None = None) -> bool:
        now = self._clock() if timestamp is None else float(timestamp)
        if self._last_time is not None and now < self._last_time:
            raise ValueError(f"timestamps must not go backwards: {now} after {self._last_time}")
        self._last_time = now
        gone = self._since is not None and now - self._last_seen > self.max_gap_s
        if gone:
            self._since, self._fired = None, False
        if not any(hand.is_open_palm() for hand in hands):
            return False
        if self._since is None:
            self._since = now
        self._last_seen = now
        if not self._fired and now - self._since >= self.hold_s:
            self._fired = True
            return True
        return False

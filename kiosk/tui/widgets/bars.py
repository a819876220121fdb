"""Text bars: the one way the expand and train steps draw a share (progress, accuracy, change).

Drawn with block characters rather than Textual's ProgressBar so a bar looks the same on every
terminal, reads without colour, and renders identically in snapshot tests (no animation, no ETA).
"""

from __future__ import annotations

FULL = "█"
EMPTY = "░"


def bar_text(fraction: float | None, width: int) -> str:
    """`width` cells, the first `fraction` of them full; None (unknown) is all empty."""
    share = 0.0 if fraction is None else min(1.0, max(0.0, fraction))
    full = round(share * width)
    return FULL * full + EMPTY * (width - full)


def percent(fraction: float | None) -> str:
    """ "87%", or "–" where there is no number (a class with no photos to test)."""
    return "–" if fraction is None else f"{fraction:.0%}"

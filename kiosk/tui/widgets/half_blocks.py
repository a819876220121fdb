"""A picture drawn with half-block characters: two pixels per cell, fast enough for a live preview.

`textual_image`'s half-cell renderer builds a Rich colour and style for every cell of every frame,
about 80 ms for a 70x20 preview on the development machine, all of it on the event loop, where it
delays taps. Here the picture is scaled with Pillow (C), its colours are rounded to 5 bits per
channel (invisible at this resolution) and the styles come from a cache, so a frame costs a few
milliseconds. The picture keeps its aspect ratio (a half-block pixel is about square) and is
centred in the widget.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from PIL import Image
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

UPPER_HALF = "▀"
LEVELS = 0xF8
"""Colour mask: keep the top 5 bits of each channel, so repeated colours share a cached style."""


@lru_cache(maxsize=8192)
def _style(top: int, bottom: int) -> Style:
    """Upper pixel as the foreground, lower as the background; colours packed as 0xRRGGBB."""
    return Style.parse(f"#{top:06x} on #{bottom:06x}")


class HalfBlocks(Widget):
    """Shows a PIL image (`.image = ...`; None for nothing) scaled to fit the widget."""

    DEFAULT_CSS = """
    HalfBlocks {
        width: 1fr;
        height: 1fr;
    }
    """

    def __init__(
        self, image: Image.Image | None = None, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self._image: Image.Image | None = None
        self._lines: list[Strip] = []
        self._drawn_for: Size | None = None
        self.image = image

    @property
    def image(self) -> Image.Image | None:
        return self._image

    @image.setter
    def image(self, value: Image.Image | None) -> None:
        self._image = value
        self._drawn_for = None
        self.refresh()

    def _draw(self, size: Size) -> list[Strip]:
        width, height = size.width, size.height
        if self._image is None or width < 1 or height < 1:
            return []
        scale = min(width / self._image.width, 2 * height / self._image.height)
        cols = max(1, round(self._image.width * scale))
        pixel_rows = max(2, 2 * round(self._image.height * scale / 2))
        pixels = np.asarray(self._image.convert("RGB").resize((cols, pixel_rows), Image.Resampling.BILINEAR))
        packed = (pixels & LEVELS).astype(np.uint32)
        colours = (packed[..., 0] << 16) | (packed[..., 1] << 8) | packed[..., 2]
        left = (width - cols) // 2
        top = (height - pixel_rows // 2) // 2
        blank = Strip.blank(width)
        lines = [blank] * height
        for row in range(pixel_rows // 2):
            upper, lower = colours[2 * row].tolist(), colours[2 * row + 1].tolist()
            segments = [Segment(" " * left)] if left else []
            segments += [Segment(UPPER_HALF, _style(u, d)) for u, d in zip(upper, lower, strict=True)]
            segments.append(Segment(" " * (width - left - cols)))
            lines[top + row] = Strip(segments, width)
        return lines

    def render_line(self, y: int) -> Strip:
        if self._drawn_for != self.size:
            self._lines = self._draw(self.size)
            self._drawn_for = self.size
        return self._lines[y] if y < len(self._lines) else Strip.blank(self.size.width)

"""Small fixed-size pictures: the photo picker's, the review grid's and the train step's mistakes.

A thumbnail is the app's `Picture` (terminal graphics where the terminal has them, half blocks
elsewhere) pinned to a size in cells, so a grid never changes its layout when a picture arrives.
"""

from __future__ import annotations

from PIL import Image
from textual.widget import Widget

from kiosk.tui.widgets.picture import Picture


def thumbnail(
    image: Image.Image | None, cells: tuple[int, int], *, id: str | None = None, classes: str | None = None
) -> Widget:
    """A picture `cells` (width, height) big showing `image`; set `.image` later to change it."""
    widget = Picture(id=id, classes=classes)
    widget.styles.width, widget.styles.height = cells
    widget.image = None if image is None else image.convert("RGB")  # type: ignore[attr-defined]
    return widget

"""Pictures on a terminal: Sixel or Kitty graphics where the terminal has them, half-blocks elsewhere.

`textual_image` decides what the terminal supports when it is first imported, by asking the
terminal, which is only possible before Textual takes the screen over: `teachbooth kiosk` imports
it before starting the app. Off a terminal (tests, snapshots) there are no graphics and pictures
are drawn with coloured half-block characters (`half_blocks.py`), the same on every machine.
"""

from __future__ import annotations

from functools import cache

from textual.widget import Widget

from kiosk.tui.widgets.half_blocks import HalfBlocks


def detect_graphics() -> str:
    """ "sixel", "kitty" or "halfblocks": what pictures will be drawn with. Call before the app runs."""
    from textual_image.renderable import Image, SixelImage, TGPImage

    return {SixelImage: "sixel", TGPImage: "kitty"}.get(Image, "halfblocks")


@cache
def picture_class() -> type[Widget]:
    """The image widget class for this terminal (takes a PIL image, `.image = ...` to change it)."""
    if detect_graphics() == "halfblocks":
        return HalfBlocks
    from textual_image.widget import Image

    return Image


def Picture(*, id: str | None = None, classes: str | None = None) -> Widget:
    """An empty picture widget; set its `image` to a PIL image to show it."""
    return picture_class()(None, id=id, classes=classes)

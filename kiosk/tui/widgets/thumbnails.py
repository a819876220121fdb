"""A strip of the latest photos of a class; tap one (or focus it and press Delete) to delete it."""

from __future__ import annotations

from typing import ClassVar

from PIL import Image
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Static

from kiosk.tui.widgets.picture import Picture

THUMB_SIZE = (64, 64)


class Thumb(Vertical, can_focus=True):
    BINDINGS: ClassVar = [Binding("delete,backspace,enter", "delete", "Delete photo")]

    def __init__(self, sample_id: str, image: Image.Image) -> None:
        super().__init__(id=f"thumb-{sample_id}", classes="thumb")
        self.sample_id = sample_id
        self.picture = image.convert("RGB").resize(THUMB_SIZE, Image.Resampling.BILINEAR)

    def compose(self) -> ComposeResult:
        picture = Picture(classes="thumb-picture")
        picture.image = self.picture
        yield picture
        yield Static("✕ delete", classes="thumb-caption")

    def on_click(self) -> None:
        self.action_delete()

    def action_delete(self) -> None:
        self.post_message(ThumbStrip.Delete(self.sample_id))


class ThumbStrip(Horizontal):
    """The newest photos first; `show` replaces them."""

    class Delete(Message):
        def __init__(self, sample_id: str) -> None:
            super().__init__()
            self.sample_id = sample_id

    async def show(self, photos: list[tuple[str, Image.Image]], empty_text: str) -> None:
        await self.remove_children()
        if photos:
            await self.mount_all([Thumb(sample_id, image) for sample_id, image in photos])
        else:
            await self.mount(Static(empty_text, classes="thumbs-empty"))

"""A strip of the latest photos of a class; tap one (or focus it and press Delete) to delete it.

The photo just taken flashes for `FLASH_S` (outlined, its caption "✓ saved"), so a visitor sees at
once what the kiosk kept, and that it kept the object, not the backdrop.
"""

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
FLASH_S = 1.5
DELETE_CAPTION = "✕ delete"
FRESH_CAPTION = "✓ saved"


class Thumb(Vertical, can_focus=True):
    BINDINGS: ClassVar = [Binding("delete,backspace,enter", "delete", "Delete photo")]

    def __init__(self, sample_id: str, image: Image.Image, *, fresh: bool = False) -> None:
        super().__init__(id=f"thumb-{sample_id}", classes="thumb -fresh" if fresh else "thumb")
        self.sample_id = sample_id
        self.picture = image.convert("RGB").resize(THUMB_SIZE, Image.Resampling.BILINEAR)

    def compose(self) -> ComposeResult:
        picture = Picture(classes="thumb-picture")
        picture.image = self.picture
        yield picture
        yield Static(FRESH_CAPTION if self.has_class("-fresh") else DELETE_CAPTION, classes="thumb-caption")

    def on_mount(self) -> None:
        if self.has_class("-fresh"):
            self.set_timer(FLASH_S, self.settle)

    def settle(self) -> None:
        """End the flash: an ordinary photo of the strip again."""
        self.remove_class("-fresh")
        self.query_one(".thumb-caption", Static).update(DELETE_CAPTION)

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

    async def show(
        self, photos: list[tuple[str, Image.Image]], empty_text: str, *, fresh: str | None = None
    ) -> None:
        """Show `photos` (sample id, picture), the one with id `fresh` flashing."""
        await self.remove_children()
        if photos:
            await self.mount_all(
                [Thumb(sample_id, image, fresh=sample_id == fresh) for sample_id, image in photos]
            )
        else:
            await self.mount(Static(empty_text, classes="thumbs-empty"))

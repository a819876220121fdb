"""Step 1, Classes: name the things to teach; add, rename and remove them (1 to 8).

One class is a project of good parts only (a line worker with no defective part to show): the hint
line says so, and training makes an anomaly model that flags anything unlike them
(`kiosk/learning/project_anomaly.py`). A second class makes it a classifier again.

Built for an on-screen keyboard: one text field and one big button, Enter does the same as the
button, and every refusal (blank name, a name that is taken in any capitalisation, a ninth class)
is said in words on the screen, with the field left as typed so the visitor can fix it. Removing
a class that has photos asks once more, on the same button, because its photos go with it.

Under the list, instead of the coach panel, the naming advice (`kiosk/tui/widgets/names_panel.py`):
"not mug" beside a lone "mug", a "something else" class when none is a catch-all, names a picture
could fit both of ("cup" and "mug", "car" and "red car"). Its button adds the suggested class or
starts renaming the class it names, through the same field and checks as typing does.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal
from textual.widgets import Button, Input, Static

from kiosk.coach.suggestion import AddClass, RenameClass
from kiosk.learning.project_anomaly import ANOMALY_CLASSES, GOOD_PARTS_ONLY
from kiosk.store import (
    MAX_CLASSES,
    MAX_LABEL_CHARS,
    PHOTO_SOURCES,
    PHOTO_STATUSES,
    ClassInfo,
    ClassLimitError,
    LabelError,
    Source,
)
from kiosk.tui.screens.base import StepScreen
from kiosk.tui.widgets.names_panel import NamesPanel

NO_CLASS = "Add a class to go on: two or more to tell apart, or one of good parts to find odd ones."


class ClassesScreen(StepScreen):
    STEP_KEY = "classes"
    BINDINGS: ClassVar = [Binding("escape", "cancel_renaming", "Cancel renaming", show=False)]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.renaming: int | None = None
        """Id of the class whose name the field is editing, or None when it adds a class."""
        self.confirming: int | None = None
        """Id of the class whose Remove button asks "sure?"."""

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="class-entry"):
            yield Input(placeholder="Type a name, e.g. apple", max_length=MAX_LABEL_CHARS, id="class-name")
            yield Button("Add", id="class-add", variant="primary", classes="big")
            yield Button("Cancel", id="class-cancel", classes="big hidden")
        yield Static("", id="classes-message")
        yield Grid(id="class-list")

    def compose_coach(self) -> ComposeResult:
        """The naming advice rather than the coach's: before photos, the names are all there is."""
        if self.kiosk.settings.coach:
            yield NamesPanel(self.session)

    async def on_mount(self) -> None:
        await self.show_classes()
        self.query_one("#class-name", Input).focus()

    # -- showing -------------------------------------------------------------------------------

    async def show_classes(self) -> None:
        classes = self.session.project.classes()
        counts = self.session.project.counts(source=PHOTO_SOURCES, status=PHOTO_STATUSES)
        grid = self.query_one("#class-list", Grid)
        await grid.remove_children()
        await grid.mount_all([self._row(info, counts.get(info.id, 0)) for info in classes])
        self.set_hint(GOOD_PARTS_ONLY if len(classes) == ANOMALY_CLASSES else None)
        self.refresh_nav()

    def _row(self, info: ClassInfo, photos: int) -> Horizontal:
        remove = "Sure? Tap again" if self.confirming == info.id else "Remove"
        shown = f"{info.label}  ({photos} photo{'s' * (photos != 1)})"
        return Horizontal(
            Static(Text(shown), classes="class-label"),
            Button("Rename", id=f"rename-{info.id}", classes="class-rename"),
            Button(remove, id=f"remove-{info.id}", variant="error", classes="class-remove"),
            classes="class-row",
        )

    def say(self, text: str, *, problem: bool = False) -> None:
        message = self.query_one("#classes-message", Static)
        message.update(Text(text))  # labels are typed by visitors: never markup
        message.set_class(problem, "-problem")

    def blocked_reason(self) -> str | None:
        return None if self.session.project.classes() else NO_CLASS

    # -- input --------------------------------------------------------------------------------

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        await self.submit()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        button = event.button.id or ""
        if button == "class-add":
            await self.submit()
        elif button == "class-cancel":
            self.action_cancel_renaming()
        elif button.startswith("rename-"):
            self.start_renaming(int(button.removeprefix("rename-")))
        elif button.startswith("remove-"):
            await self.remove_class_tapped(int(button.removeprefix("remove-")))
        else:
            return  # Back/Next: StepScreen's handler runs next (Textual calls each class's handler)
        event.stop()

    async def on_names_panel_chosen(self, event: NamesPanel.Chosen) -> None:
        """The naming advice's button: add the class it suggests, or rename the one it names."""
        event.stop()
        action = event.action
        if isinstance(action, RenameClass):
            found = self.session.project.find_class(action.label)
            if found is not None:
                self.start_renaming(found.id)
        elif isinstance(action, AddClass) and action.label is not None:
            if self.renaming is not None:
                self.stop_renaming()
            self.query_one("#class-name", Input).value = action.label
            await self.submit()

    async def submit(self) -> None:
        """Add the typed name as a class, or save it as the new name of the class being renamed."""
        field = self.query_one("#class-name", Input)
        field.focus()  # after a tap on the button, the next name goes straight in
        project = self.session.project
        try:
            if self.renaming is None:
                info = project.add_class(field.value)
                self.say(f"Added {info.label!r}.")
            else:
                info = project.rename_class(self.renaming, field.value)
                self.say(f"Renamed to {info.label!r}.")
        except LabelError as exc:
            self.say(_label_problem(exc), problem=True)
            return
        except ClassLimitError:
            self.say(f"There can be at most {MAX_CLASSES} classes. Remove one to add another.", problem=True)
            return
        self.confirming = None
        self.stop_renaming(keep_message=True)
        await self.show_classes()

    def start_renaming(self, class_id: int) -> None:
        info = self.session.project.get_class(class_id)
        self.renaming = class_id
        field = self.query_one("#class-name", Input)
        field.value = info.label
        field.focus()
        self.query_one("#class-add", Button).label = "Save"
        self.query_one("#class-cancel", Button).remove_class("hidden")
        self.say(f"Type the new name for {info.label!r}, then tap Save.")

    def action_cancel_renaming(self) -> None:
        """The Cancel button, or Escape: the old name stays."""
        if self.renaming is not None:
            self.stop_renaming()

    def stop_renaming(self, *, keep_message: bool = False) -> None:
        self.renaming = None
        self.query_one("#class-name", Input).value = ""
        self.query_one("#class-add", Button).label = "Add"
        self.query_one("#class-cancel", Button).add_class("hidden")
        if not keep_message:
            self.say("")

    async def remove_class_tapped(self, class_id: int) -> None:
        """Remove at once when the class has no photos; otherwise only on the second tap."""
        project = self.session.project
        photos = project.counts(source=PHOTO_SOURCES).get(class_id, 0)
        made = project.counts(source=Source.GENERATED).get(class_id, 0)
        if (photos or made) and self.confirming != class_id:
            self.confirming = class_id
            self.say(f"Removing it deletes its {_pictures(photos, made)}. Tap again to remove.")
            await self.show_classes()
            return
        label = project.get_class(class_id).label
        project.remove_class(class_id)
        self.confirming = None
        if self.renaming == class_id:
            self.stop_renaming()
        self.say(f"Removed {label!r}.")
        await self.show_classes()


def _pictures(photos: int, made: int) -> str:
    """ "3 photos", "1 photo and 8 new pictures", "2 new pictures": what a class holds, in words."""
    parts = [f"{photos} photo{'s' * (photos != 1)}"] if photos else []
    parts += [f"{made} new picture{'s' * (made != 1)}"] if made else []
    return " and ".join(parts)


def _label_problem(error: LabelError) -> str:
    """The store's reason, said to a visitor."""
    text = str(error)
    if "blank" in text:
        return "Type a name first: a class needs a name."
    if "already" in text:
        return f"{text[0].upper()}{text[1:]}. Choose another name."
    return f"That name does not work: {text}."

"""The Classes step's coach: advice on the class names alone, with a button that does it there.

The coach panel's look and behaviour (one suggestion, one button, advice that follows
`Project.revision`) with only the naming rules (`kiosk.coach.coach.NAMING`: a lone class, no
catch-all class, names that overlap). They read nothing but the class names, so there are no photos
to embed and no model to wait for. The button does not leave the step: it posts
`NamesPanel.Chosen`, and the Classes screen adds the class or starts renaming one.
"""

from __future__ import annotations

from textual.message import Message

from kiosk.coach import CoachState, suggest
from kiosk.coach.coach import NAMING
from kiosk.coach.suggestion import Action, Suggestion
from kiosk.store import Project
from kiosk.tui.widgets.coach_panel import CoachPanel


def name_advice(project: Project) -> Suggestion | None:
    """The best naming advice for the project's classes as they are now."""
    names = tuple(info.label for info in project.classes())
    found = suggest(CoachState(classes=names, counts={}), rules=NAMING)
    return found[0] if found else None


class NamesPanel(CoachPanel):
    class Chosen(Message):
        """The visitor tapped the panel's button: the screen carries out `action`."""

        def __init__(self, action: Action) -> None:
            super().__init__()
            self.action = action

    def advise(self) -> Suggestion | None:
        return name_advice(self.session.project)

    def carry_out(self, action: Action) -> None:
        self.post_message(self.Chosen(action))

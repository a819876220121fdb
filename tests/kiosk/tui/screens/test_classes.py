"""Step 1: adding, renaming and removing classes, and the input that must not break it."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.tui.screens.classes import ClassesScreen
from tests.kiosk.tui.conftest import SIZE
from tests.kiosk.tui.pilot_helpers import tap

pytestmark = pytest.mark.asyncio


async def type_and_add(pilot, text: str) -> None:
    field = pilot.app.screen.query_one("#class-name")
    field.value = text
    await tap(pilot, "#class-add")


def message(app) -> str:
    return str(app.screen.query_one("#classes-message").render())


def labels(project) -> list[str]:
    return [info.label for info in project.classes()]


async def test_add_by_button_and_by_enter_then_next_leads_on(make_app, project):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, ClassesScreen)
        await type_and_add(pilot, "apple")
        await pilot.press(*"pear", "enter")
        await pilot.pause()
        assert labels(project) == ["apple", "pear"]
        assert len(app.screen.query(".class-row")) == 2
        await tap(pilot, "#nav-next")
        assert app.current_step == "capture"


async def test_next_is_refused_without_a_class_and_the_hint_line_follows_the_classes(make_app, project):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await tap(pilot, "#nav-next")
        assert app.current_step == "classes"
        hint = app.screen.query_one("#hint")
        assert "Add a class to go on" in str(hint.render()) and hint.has_class("-warning")
        await type_and_add(pilot, "good part")  # one class: a project of good parts, said as such
        assert "teach from good parts only" in str(hint.render()) and not hint.has_class("-warning")
        await type_and_add(pilot, "scratched")  # two classes: back to the step's own hint
        assert str(hint.render()) == app.screen.step.hint and not hint.has_class("-warning")


async def test_one_class_of_good_parts_leads_on_to_capture(make_app, project):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_and_add(pilot, "good part")
        await tap(pilot, "#nav-next")
        assert app.current_step == "capture"


async def test_empty_and_duplicate_names_are_refused_with_a_reason(make_app, project):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_and_add(pilot, "   ")
        assert "needs a name" in message(app)
        await type_and_add(pilot, "Apple")
        await type_and_add(pilot, "  APPLE ")
        assert "already a class 'Apple'" in message(app)
        assert app.screen.query_one("#class-name").value == "  APPLE ", "what was typed is kept to fix"
        assert labels(project) == ["Apple"]


async def test_a_ninth_class_is_refused(make_app, project):
    for n in range(8):
        project.add_class(f"thing {n}")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await type_and_add(pilot, "ninth")
        assert "at most 8 classes" in message(app)
        assert len(project.classes()) == 8


@pytest.fixture
def apple(project):
    """An "apple" class beside a "pear" one: what the rename tests rename."""
    made = project.add_class("apple")
    project.add_class("pear")
    return made


async def test_rename_and_cancel(make_app, project, apple):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await tap(pilot, f"#rename-{apple.id}")
        assert app.screen.query_one("#class-name").value == "apple"
        await type_and_add(pilot, "pear")  # taken: refused, still renaming
        assert "already a class" in message(app)
        await type_and_add(pilot, "red apple")
        assert labels(project) == ["red apple", "pear"], message(app)
        await tap(pilot, f"#rename-{apple.id}")
        await tap(pilot, "#class-cancel")
        assert app.screen.renaming is None and app.screen.query_one("#class-name").value == ""


async def test_escape_cancels_a_rename_and_keeps_the_old_name(make_app, project, apple):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await tap(pilot, f"#rename-{apple.id}")
        await pilot.press("end", "s")
        assert app.screen.query_one("#class-name").value == "apples"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.renaming is None and app.screen.query_one("#class-name").value == ""
        assert "Save" not in str(app.screen.query_one("#class-add").label)
    assert labels(project) == ["apple", "pear"]


async def test_removing_a_class_with_photos_asks_first(make_app, project):
    apple = project.add_class("apple")
    empty = project.add_class("empty")
    project.add_sample(np.full((64, 64, 3), 200, np.uint8), apple, "camera")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await tap(pilot, f"#remove-{empty.id}")
        assert labels(project) == ["apple"]
        await tap(pilot, f"#remove-{apple.id}")
        assert labels(project) == ["apple"] and "deletes its 1 photo" in message(app)
        await tap(pilot, f"#remove-{apple.id}")
        assert labels(project) == [] and project.samples() == []


async def test_removing_a_class_counts_its_photos_and_new_pictures_apart(make_app, project):
    apple = project.add_class("apple")
    project.add_sample(np.full((64, 64, 3), 200, np.uint8), apple, "camera")
    for _ in range(2):
        project.add_sample(np.full((64, 64, 3), 90, np.uint8), apple, "generated", accepted=True)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert "apple  (1 photo)" in str(app.screen.query_one(".class-label").render())
        await tap(pilot, f"#remove-{apple.id}")
        assert "deletes its 1 photo and 2 new pictures" in message(app)

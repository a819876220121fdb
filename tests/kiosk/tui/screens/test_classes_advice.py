"""Step 1's naming advice: what it suggests for the names typed, and its button doing it on the step
(adding the class it names, or starting the rename), at both screen sizes."""

from __future__ import annotations

import pytest

from kiosk.coach.suggestion import AddClass, RenameClass
from kiosk.tui.screens.classes import ClassesScreen
from kiosk.tui.steps import step_for_action
from kiosk.tui.widgets.coach_panel import CoachPanel
from kiosk.tui.widgets.names_panel import NamesPanel
from tests.kiosk.tui.conftest import SIZE
from tests.kiosk.tui.pilot_helpers import shown, tap, wait_until


def labels(project) -> list[str]:
    return [info.label for info in project.classes()]


def reason(app) -> str:
    return " ".join(shown(app.screen.query_one("#coach-reason")).split())


async def advice_is(pilot, words: str) -> NamesPanel:
    """Wait until the panel advises `words` (in its reason) with its button laid out."""
    panel = pilot.app.screen.query_one(NamesPanel)
    await wait_until(
        pilot,
        lambda: words in reason(pilot.app) and panel.query_one("#coach-do").region.area > 0,
    )
    return panel


async def type_and_add(pilot, text: str) -> None:
    pilot.app.screen.query_one("#class-name").value = text
    await tap(pilot, "#class-add")


@pytest.mark.asyncio
async def test_two_classes_are_offered_something_else_and_the_button_adds_it(make_app, project):
    app = make_app(coach=True)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, ClassesScreen)
        assert not app.screen.query(CoachPanel).exclude("NamesPanel"), "no photos to advise on here"
        await type_and_add(pilot, "apple")
        panel = await advice_is(pilot, "Add “not apple”")
        await type_and_add(pilot, "pear")
        await advice_is(pilot, "Add “something else” and show it other objects")
        assert str(panel.query_one("#coach-do").label) == "Add “something else”"
        await tap(pilot, "#coach-do")
        assert labels(project) == ["apple", "pear", "something else"]
        assert "Added 'something else'" in str(app.screen.query_one("#classes-message").render())
        await wait_until(pilot, lambda: "nothing to add right now" in reason(app))
        assert not panel.query_one("#coach-do").display
        assert app.current_step == "classes"


@pytest.mark.asyncio
async def test_a_lone_class_gets_its_opposite_in_one_tap(make_app, project):
    project.add_class("mug")
    app = make_app(coach=True)
    async with app.run_test(size=SIZE) as pilot:
        panel = await advice_is(pilot, "Only “mug” so far")
        assert str(panel.query_one("#coach-do").label) == "Add “not mug”"
        await tap(pilot, "#coach-do")
        assert labels(project) == ["mug", "not mug"]
        await tap(pilot, "#nav-next")
        assert app.current_step == "capture", "mug against not mug is a project"


@pytest.mark.asyncio
async def test_overlapping_names_start_the_rename_of_the_one_to_change(make_app, project):
    project.add_class("cup")
    project.add_class("mug")
    app = make_app(coach=True)
    async with app.run_test(size=SIZE) as pilot:
        panel = await advice_is(pilot, "“cup” and “mug” may be the same thing")
        assert str(panel.query_one("#coach-do").label) == "Rename “mug”"
        await tap(pilot, "#coach-do")
        screen = app.screen
        assert screen.renaming == project.find_class("mug").id
        assert screen.query_one("#class-name").value == "mug"
        screen.query_one("#class-name").value = "bowl"
        await tap(pilot, "#class-add")
        assert labels(project) == ["cup", "bowl"]
        await advice_is(pilot, "Add “something else”")  # the names are apart now


@pytest.mark.asyncio
async def test_a_narrower_name_renames_the_broad_one_and_a_taken_name_is_refused(make_app, project):
    for name in ("car", "red car", "something else"):
        project.add_class(name)
    app = make_app(coach=True)
    async with app.run_test(size=SIZE) as pilot:
        await advice_is(pilot, "Every “red car” is a “car” too")
        await tap(pilot, "#coach-do")
        assert app.screen.renaming == project.find_class("car").id


@pytest.mark.asyncio
async def test_the_advice_and_the_steps_buttons_fit_at_80x24_with_every_class(make_app, project):
    for name in ("apple", "pear", "plum", "cherry", "lemon", "lime", "grape", "peach"):
        project.add_class(name)
    app = make_app(coach=True)
    async with app.run_test(size=(80, 24)) as pilot:
        panel = await advice_is(pilot, "Add “something else”")
        assert panel.query_one("#coach-do").region.height >= 3
        assert app.screen.query_one("#nav-next").region.bottom <= 23  # above the status bar
        await tap(pilot, "#coach-do")  # a ninth class: refused in words, as typing it would be
        assert len(project.classes()) == 8
        assert "at most 8 classes" in str(app.screen.query_one("#classes-message").render())


def test_naming_actions_belong_to_the_classes_step():
    assert step_for_action(RenameClass("mug")).key == "classes"
    assert step_for_action(AddClass("something else")).key == "classes"

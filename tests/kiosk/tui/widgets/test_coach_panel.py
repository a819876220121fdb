"""The coach panel: the coach's top suggestion for the real project, and a button that carries it out."""

from __future__ import annotations

import pytest

from kiosk.coach.suggestion import (
    AddClass,
    CaptureSamples,
    GenerateVariations,
    Retrain,
    ReviewGenerated,
    Suggestion,
)
from kiosk.tui.screens.expand import ExpandScreen
from kiosk.tui.widgets.coach_panel import CoachPanel, button_words
from shared.presets import Preset
from tests.kiosk.tui.conftest import SIZE
from tests.kiosk.tui.photos import add_photos
from tests.kiosk.tui.pilot_helpers import shown, wait_until


def test_every_action_has_a_verb_on_its_button():
    assert button_words(AddClass()) == "Add a class"
    assert button_words(CaptureSamples(("pear",), 5)) == "Take photos"
    assert button_words(GenerateVariations(Preset.NEW_COLOUR, ("apple",))) == "Make new colour"
    assert button_words(ReviewGenerated(("apple",))) == "Review them"
    assert button_words(Retrain()) == "Train now"


async def advised(app, pilot) -> None:
    """Open the train step (the classes step has no coach) and wait for the panel's first advice to
    be laid out (a tap before that would land where the hidden button was)."""
    app.goto_step("train")

    def shown_advice() -> bool:
        panels = list(app.screen.query(CoachPanel).results(CoachPanel))
        return (
            bool(panels)
            and panels[0].suggestion is not None
            and panels[0].query_one("#coach-do").region.area > 0
        )

    await wait_until(pilot, shown_advice, 60)


def reason(app) -> str:
    return " ".join(shown(app.screen.query_one("#coach-reason")).split())


@pytest.mark.asyncio
async def test_the_top_suggestion_for_the_project_and_its_button_opens_the_right_step(make_app, project):
    add_photos(project, {"apple": 3})
    project.add_class("leaf")
    app = make_app(coach=True)
    async with app.run_test(size=SIZE) as pilot:
        await advised(app, pilot)
        panel = app.screen.query_one(CoachPanel)
        assert panel.suggestion.action == CaptureSamples(("leaf",), 10)
        assert reason(app).startswith("Coach: “leaf” has no pictures yet")
        assert str(app.screen.query_one("#coach-do").label) == "Take photos"
        await pilot.click("#coach-do")
        await wait_until(pilot, lambda: app.current_step == "capture" and app.screen.request is not None, 30)
        assert app.screen.request == panel.suggestion.action


@pytest.mark.asyncio
async def test_a_generate_suggestion_opens_expand_with_its_preset_on_its_class(make_app, project):
    add_photos(project, {"apple": 2, "leaf": 2})
    app = make_app(coach=True)
    async with app.run_test(size=SIZE) as pilot:
        await advised(app, pilot)
        advice = Suggestion(
            "colour_shortcut",
            0.9,
            "Colour alone tells leaf from apple.",
            GenerateVariations(Preset.MIX, ("leaf",)),
        )
        app.screen.query_one(CoachPanel).show(advice)
        await pilot.pause()
        assert str(app.screen.query_one("#coach-do").label) == "Make mix"
        await pilot.click("#coach-do")
        await wait_until(pilot, lambda: isinstance(app.screen, ExpandScreen) and bool(app.screen.photos))
        assert app.screen.preset is Preset.MIX and app.screen.photo.label == "leaf"
        assert app.screen.query_one("#preset-mix").has_class("-selected")


@pytest.mark.asyncio
async def test_with_nothing_to_suggest_the_button_is_hidden(make_app, project):
    app = make_app(coach=True)
    async with app.run_test(size=SIZE) as pilot:
        await advised(app, pilot)
        app.screen.query_one(CoachPanel).show(None)
        await pilot.pause()
        assert reason(app) == "Coach: nothing to add right now. Keep going!"
        assert not app.screen.query_one("#coach-do").display

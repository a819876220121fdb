"""The coach panel: the coach's top suggestion for the real project, a button that carries it out,
advice that follows the project as it changes, and every rule's reason shown whole."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pytest

from kiosk.coach import CoachConfig, CoachState, Cue, GateTally
from kiosk.coach.rules import RULES
from kiosk.coach.state import Margin, PairSeparation
from kiosk.coach.suggestion import (
    AddClass,
    CaptureSamples,
    GenerateVariations,
    RenameClass,
    Retrain,
    ReviewGenerated,
    Suggestion,
)
from kiosk.learning.cues import CUES, CueShares
from kiosk.store import NewSample, Source
from kiosk.tui.screens.expand import ExpandScreen
from kiosk.tui.widgets.coach_panel import CoachPanel, button_words, top_suggestion
from shared.presets import Preset
from testkit.shapes import render
from tests.kiosk.coach.evaluations import evaluation_of
from tests.kiosk.tui.conftest import SIZE
from tests.kiosk.tui.photos import add_photos
from tests.kiosk.tui.pilot_helpers import shown, wait_until


def test_every_action_has_a_verb_on_its_button():
    assert button_words(AddClass()) == "Add a class"
    assert button_words(AddClass("something else")) == "Add “something else”"
    assert button_words(AddClass("not my grandmother's mug")) == "Add a class", "too long to name"
    assert button_words(RenameClass("mug")) == "Rename “mug”"
    assert button_words(RenameClass("my blue coffee mug")) == "Rename it"
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


@pytest.mark.asyncio
async def test_the_advice_follows_the_project_whoever_changes_it(make_app, project, session):
    """Photos kept and deleted behind the screens' backs (as the expand step's review and the train
    step's review grid do, in one transaction each) change the advice with no call to the panel."""
    add_photos(project, {"apple": 10})
    leaf = project.add_class("leaf")
    rng = np.random.default_rng(1)
    photos = [NewSample(render("leaf", rng), leaf, Source.CAMERA) for _ in range(4)]
    empty = CaptureSamples(("leaf",), 10)
    app = make_app(coach=True)
    async with app.run_test(size=SIZE) as pilot:
        await advised(app, pilot)
        panel = app.screen.query_one(CoachPanel)
        assert panel.suggestion.action == empty
        kept = project.add_samples(photos)
        await wait_until(pilot, lambda: panel.suggestion.action != empty, 60)
        project.delete_samples(kept)
        await wait_until(pilot, lambda: panel.suggestion.action == empty, 60)
        assert reason(app).startswith("Coach: “leaf” has no pictures yet")
        project.add_samples(photos)
        await wait_until(pilot, lambda: panel.suggestion.action != empty, 60)
        shown = panel.suggestion
    assert shown == top_suggestion(session)  # the coach's advice for the project as it is now


BALL, DRIVER, MUG = "tennis ball", "screwdriver", "coffee mug"
"""Class names as long as a visitor's usually are."""
ALL_APART = PairSeparation(
    (BALL, DRIVER, MUG), {frozenset(pair): 1.0 for pair in combinations((BALL, DRIVER, MUG), 2)}
)
LONGEST = {
    "add_class": CoachState(classes=(BALL,), counts={BALL: 0}),
    "few_samples": CoachState(classes=(BALL, DRIVER), counts={BALL: 9, DRIVER: 0}),
    "unbalanced": CoachState(classes=(BALL, DRIVER), counts={BALL: 120, DRIVER: 10}),
    "confused_pair": CoachState(
        classes=(BALL, DRIVER),
        counts={BALL: 120, DRIVER: 120},
        evaluation=evaluation_of(
            [(BALL, DRIVER, 60), (BALL, BALL, 60), (DRIVER, DRIVER, 120)], (BALL, DRIVER)
        ),
    ),
    "gate_rejects": CoachState(
        classes=(BALL, DRIVER), counts={BALL: 10, DRIVER: 10}, gate={BALL: GateTally(10, 90)}
    ),
    "retrain": CoachState(classes=(BALL, DRIVER), counts={BALL: 10, DRIVER: 10}, samples_since_training=100),
    "capture_next": CoachState(
        classes=(BALL, DRIVER), counts={BALL: 120, DRIVER: 120}, margins=(Margin(BALL, 0.1, DRIVER),) * 120
    ),
    "one_class": CoachState(classes=(BALL,), counts={BALL: 0}),
    "something_else": CoachState(classes=ALL_APART.labels, counts={}),
    "overlapping_names": CoachState(
        classes=(BALL, f"my red {BALL}s", MUG, "coffee cup", f"{MUG}s"), counts={}
    ),
    "colour_shortcut": CoachState(
        classes=ALL_APART.labels,
        counts=dict.fromkeys(ALL_APART.labels, 10),
        separation=ALL_APART,
        cues={Cue.COLOUR: ALL_APART},
    ),
    "background_shortcut": CoachState(
        classes=ALL_APART.labels,
        counts=dict.fromkeys(ALL_APART.labels, 10),
        separation=ALL_APART,
        cues={Cue.BACKGROUND: ALL_APART},
    ),
    "decides_by": CoachState(
        classes=ALL_APART.labels,
        counts=dict.fromkeys(ALL_APART.labels, 10),
        model_cues=CueShares(
            probed=dict.fromkeys(CUES, 30),
            flipped={**dict.fromkeys(CUES, 0), "background": 30},  # "the background" is the longest noun
            images=10,
            by_label={"background": {label: (10, 10) for label in ALL_APART.labels}},
        ),
    ),
}
"""For every rule, a project that makes it say its longest: three-digit counts, the most pairs."""


def every_reason() -> list[Suggestion]:
    assert set(LONGEST) == set(RULES), "a new rule needs its longest case here"
    return [
        Suggestion(rule, 1.0, finding.reason, finding.action)
        for rule, state in LONGEST.items()
        for finding in RULES[rule](state, CoachConfig())
    ]


def readable(app) -> str:
    """The words the terminal shows where the coach panel's reason is (its box, within its slot)."""
    strips = app.screen._compositor.render_strips()
    region = app.screen.query_one("#coach-words").region.intersection(
        app.screen.query_one("#coach-slot").region
    )
    rows = [strips[y].text[region.x : region.right] for y in range(region.y, region.bottom)]
    return " ".join(" ".join(rows).split())


@pytest.mark.asyncio
@pytest.mark.parametrize("size", [(80, 24), SIZE])
async def test_every_rule_reason_shows_whole_with_the_steps_buttons(make_app, project, size):
    app = make_app(coach=True)
    async with app.run_test(size=size) as pilot:
        await advised(app, pilot)
        panel = app.screen.query_one(CoachPanel)
        for suggestion in every_reason():
            panel.show(suggestion)
            await pilot.pause()
            assert readable(app) == f"Coach: {suggestion.reason}"
            assert panel.query_one("#coach-do").region.area > 0
            assert app.screen.query_one("#nav-next").region.bottom <= size[1] - 1  # above the status bar


@pytest.mark.asyncio
async def test_a_longer_reason_grows_the_panel_rather_than_being_cut(make_app, project):
    ball, driver = "my grandmother's red tennis ball", "the old wooden screwdriver"
    mixed_up = evaluation_of([(ball, driver, 60), (ball, ball, 60), (driver, driver, 120)], (ball, driver))
    state = CoachState(classes=(ball, driver), counts={ball: 120, driver: 120}, evaluation=mixed_up)
    [advice] = RULES["confused_pair"](state, CoachConfig())
    app = make_app(coach=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await advised(app, pilot)
        panel = app.screen.query_one(CoachPanel)
        panel.show(Suggestion("confused_pair", 1.0, advice.reason, advice.action))
        await pilot.pause()
        assert readable(app) == f"Coach: {advice.reason}"
        assert panel.region.height > 3


@pytest.mark.asyncio
async def test_a_reason_too_long_for_its_box_scrolls_to_its_end(make_app, project):
    """Past five lines (class names near the 64-character limit), the visitor can scroll to the end."""
    reason = " ".join(f"sentence{i}" for i in range(40)) + " Look at both."
    app = make_app(coach=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await advised(app, pilot)
        panel = app.screen.query_one(CoachPanel)
        panel.show(Suggestion("confused_pair", 1.0, reason, Retrain()))
        await pilot.pause()
        words = panel.query_one("#coach-words")
        assert words.max_scroll_y > 0 and "Look at both." not in readable(app)
        words.scroll_end(animate=False)
        await pilot.pause()
        assert readable(app).endswith("Look at both.")

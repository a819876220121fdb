"""The Ask button on every step and its window: the common questions answered offline from a really
trained project, a typed question, the word filter, and a configured server that is gone."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.assistant.assistant import REFUSED_QUESTION, Source
from kiosk.assistant.facts import gather_facts
from kiosk.assistant.intents import SUGGESTED, Intent
from kiosk.assistant.offline import NO_MODEL, offline_answer
from kiosk.learning.open_set import Rejection
from kiosk.live.prediction import Answer
from kiosk.tui.screens.ask import AskScreen, said_on
from kiosk.tui.steps import STEPS
from testkit.fresh_python import heavy_modules_after
from testkit.mosquitto import free_port
from tests.kiosk.tui.conftest import SIZE
from tests.kiosk.tui.pilot_helpers import shown, tap, wait_until

pytestmark = pytest.mark.asyncio


async def open_ask(pilot) -> AskScreen:
    await tap(pilot, "#nav-ask")
    assert isinstance(pilot.app.screen, AskScreen)
    return pilot.app.screen


async def ask(pilot, screen: AskScreen, button: str, timeout: float = 15) -> str:
    """Tap a question's button; the reply, once it is shown (the window's text, whitespace-normalised)."""
    screen.reply = None
    await tap(pilot, button)
    await wait_until(pilot, lambda: screen.reply is not None, timeout=timeout)
    text = " ".join(shown(screen.query_one("#ask-answer")).split())
    assert " ".join(screen.reply.text.split()) in text, text  # what it shows is the reply, as text
    return screen.reply.text


async def test_the_common_questions_are_answered_from_the_trained_project(
    make_app,
    project,
    session,
    trained,
):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.goto_step("train")
        await pilot.pause()
        screen = await open_ask(pilot)
        answers = {intent: await ask(pilot, screen, f"#ask-{intent}", timeout=120) for intent in Intent}
        assert screen.reply.source is Source.OFFLINE and not screen.query_one("#ask-note").display
        await tap(pilot, "#ask-close")
        assert not isinstance(app.screen, AskScreen)
    report = project.latest_good_model(session.backbone.backbone_id).metrics["evaluation"]
    right = round(report["accuracy"] * report["count"])
    assert (
        f"On {report['count']} photos it had not seen while learning, it was right {right} times"
        in (answers[Intent.GOOD_ENOUGH])
    )
    assert "your photos of ball and box" in answers[Intent.WHY]
    facts = gather_facts(session)  # the same measurements, taken again: the answers are theirs
    assert answers == {intent: offline_answer(SUGGESTED[intent], facts) for intent in Intent}


async def test_a_typed_question_is_answered_and_shown_as_text_not_markup(make_app, project):
    project.add_class("ball")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ask(pilot)
        screen.query_one("#ask-question").value = "[b]Why[/b] did it say ball?"
        assert await ask(pilot, screen, "#ask-send") == NO_MODEL
        assert "[b]Why[/b] did it say ball?" in shown(screen.query_one("#ask-answer"))
        screen.query_one("#ask-question").value = "why does it k1ll"
        assert await ask(pilot, screen, "#ask-send") == REFUSED_QUESTION
        assert screen.reply.source is Source.REFUSED


async def test_the_exhibit_s_word_file_is_refused_too(make_app, project, tmp_path):
    words = tmp_path / "exhibit-words.txt"
    words.write_text("# this museum's own list\nzorblax\n", encoding="utf-8")
    project.add_class("ball")
    app = make_app(word_file=words)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ask(pilot)
        screen.query_one("#ask-question").value = "why does it say z0rb1ax"
        assert await ask(pilot, screen, "#ask-send") == REFUSED_QUESTION
        screen.query_one("#ask-question").value = "why does it k1ll"
        assert await ask(pilot, screen, "#ask-send") == REFUSED_QUESTION, "the default list still holds"
        assert screen.reply.source is Source.REFUSED
        screen.query_one("#ask-question").value = "why did it say ball?"
        assert await ask(pilot, screen, "#ask-send") == NO_MODEL


async def test_a_configured_server_that_is_gone_gives_the_kiosk_s_answer_with_a_note(make_app, project):
    project.add_class("ball")
    app = make_app(assistant_url=f"http://127.0.0.1:{free_port()}", assistant_timeout_s=5)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_ask(pilot)
        assert await ask(pilot, screen, f"#ask-{Intent.GOOD_ENOUGH}") == NO_MODEL
        note = shown(screen.query_one("#ask-note"))
        assert screen.query_one("#ask-note").display and "could not answer" in note, note


@pytest.mark.parametrize("size", [(80, 24), SIZE], ids=lambda size: f"{size[0]}x{size[1]}")
async def test_the_ask_button_is_on_every_step_big_enough_to_tap(make_app, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        for step in STEPS:
            app.goto_step(step.key)
            await pilot.pause()
            screen = app.screen.region
            for selector in ("#nav-back", "#nav-position", "#nav-ask", "#nav-next"):
                region = app.screen.query_one(selector).region
                assert screen.contains_region(region) and region.height >= 3, f"{step.key}: {selector}"
        window = await open_ask(pilot)
        for widget in window.query("Button, Input"):
            assert screen.contains_region(widget.region) and widget.region.height >= 3, widget.id


def live_answer(probabilities: tuple[float, float], rejection: Rejection | None = None, seen: bool = True):
    return Answer(("ball", "box"), probabilities, np.zeros((4, 4, 3), np.uint8), None, rejection, seen)


class StepWithAnswer:
    def __init__(self, latest: Answer | None) -> None:
        self.latest = latest


async def test_that_is_the_class_the_live_answer_named_if_it_named_one():
    assert said_on(StepWithAnswer(live_answer((0.2, 0.8)))) == "box"
    assert said_on(StepWithAnswer(live_answer((0.55, 0.45), Rejection("unsure", ("ball", "box"))))) is None
    assert said_on(StepWithAnswer(live_answer((), seen=False))) is None
    assert said_on(StepWithAnswer(None)) is None


async def test_the_ask_window_imports_no_heavy_library():
    assert heavy_modules_after("import kiosk.tui.screens.ask") == []

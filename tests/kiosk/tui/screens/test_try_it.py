"""Step 5: live prediction on the replay footage with a really trained model, corrections, saliency,
and the answers a visitor can trust: "I don't see anything", "Not sure", "I don't know this one"."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.live.prediction import Answer
from kiosk.tui.screens.try_it import SETTLE_S, THANKS_S, TryScreen
from tests.kiosk.learning.model_copies import change_open_set
from tests.kiosk.tui.conftest import SIZE
from tests.kiosk.tui.pilot_helpers import shown, tap, wait_until

pytestmark = pytest.mark.asyncio


def current_model_dir(project, session):
    return project.latest_good_model(session.backbone.backbone_id).path


async def open_try(pilot) -> TryScreen:
    pilot.app.goto_step("try")
    await pilot.pause()
    assert isinstance(pilot.app.screen, TryScreen)
    return pilot.app.screen


def answer_text(screen) -> str:
    return shown(screen.query_one("#try-answer"))


def ask_button(screen, label: str) -> str:
    """The selector of the question's button for `label` (the more likely class comes first)."""
    return "#ask-first" if screen.pair[0] == label else "#ask-second"


async def test_live_answers_a_correction_and_the_saliency_view(make_app, project, trained):
    _, box = trained
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_try(pilot)
        # Shown the ball it was taught, the real model and its open-set rule let the label stand.
        await wait_until(pilot, lambda: "It's ball!" in answer_text(screen), timeout=30)
        bars = shown(screen.query_one("#try-bars"))
        assert "ball" in bars and "box" in bars and "%" in bars, bars
        assert abs(sum(screen.latest.probabilities) - 1.0) < 1e-6
        before = len(project.samples(class_id=box.id))
        await tap(pilot, f"#correct-{box.id}")
        assert len(project.samples(class_id=box.id)) == before + 1
        assert "Added as a photo of box" in shown(screen.query_one("#try-correct-label"))
        await tap(pilot, "#try-saliency")
        await wait_until(
            pilot, lambda: "what made it say" in shown(screen.query_one("#try-answer")), timeout=60
        )
        assert not shown(screen.query_one("#try-answer")).startswith("Red"), "red is invisible on the ball"
        assert screen.frozen
        await tap(pilot, "#try-saliency")
        assert not screen.frozen


async def test_an_empty_stage_is_nothing_and_a_close_call_is_not_sure(make_app, project, session, trained):
    _, box = trained
    # No answer is sure enough for this copy, and none is too far from the photos.
    change_open_set(current_model_dir(project, session), min_confidence=1.0, max_distance=4.0)
    app = make_app(clock=lambda: 0.0)  # time stands still: an answer's thanks stay up
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_try(pilot)
        # The footage opens on the empty stage: the masker learns it and says nothing is there.
        await wait_until(pilot, lambda: "I don't see anything" in answer_text(screen), timeout=30)
        assert shown(screen.query_one("#try-bars")).strip() == ""
        assert screen.latest is None and screen.query_one(f"#correct-{box.id}").disabled
        await wait_until(pilot, lambda: "Not sure: is it" in answer_text(screen), timeout=30)
        headline = answer_text(screen)
        assert "ball" in headline and "box" in headline and "?" in headline, headline
        bars = shown(screen.query_one("#try-bars"))
        assert "ball" in bars and "box" in bars and "%" in bars, bars  # what it would have said
        assert screen.latest.rejection.reason == "unsure"
        await tap(pilot, ask_button(screen, "box"))  # a doubtful answer is what the question is for
        assert "Added as a photo of box" in shown(screen.query_one("#try-correct-label"))


async def test_an_object_unlike_every_photo_is_unknown(make_app, project, session, trained):
    change_open_set(current_model_dir(project, session), max_distance=1e-6)  # nothing is near enough
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_try(pilot)
        await wait_until(pilot, lambda: "I don't know this one" in answer_text(screen), timeout=30)
        assert screen.latest.rejection.reason == "unknown"
        assert "%" in shown(screen.query_one("#try-bars"))


async def test_without_a_model_it_says_to_train_first(make_app, project):
    project.add_class("ball")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_try(pilot)
        await wait_until(pilot, lambda: "no trained model" in shown(screen.query_one("#try-answer")))
        assert screen.query_one("#try-saliency").disabled


# -- the question: "Is it A or B?" ----------------------------------------------------------------


def saved(project, sample):
    """(image size, bool mask) of a stored sample."""
    [loaded] = list(project.iter_images([sample], masks=True))
    assert loaded.mask is not None, "the answer keeps the object's mask"
    return loaded.image.size, np.asarray(loaded.mask.convert("L")) > 0


async def test_a_close_call_asks_a_or_b_and_the_answer_is_a_photo_with_its_mask(
    make_app, project, session, trained
):
    ball, box = trained
    balls = len(project.samples(class_id=ball.id))
    change_open_set(current_model_dir(project, session), min_confidence=1.0, max_distance=4.0)
    app = make_app(clock=lambda: 0.0)  # time stands still: an answer's thanks stay up
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_try(pilot)
        await wait_until(
            pilot, lambda: screen.asked is not None and screen.asked.mask is not None, timeout=30
        )
        screen.frozen = True  # the live view holds still while the finger comes down
        await pilot.pause()
        assert set(screen.pair) == {"ball", "box"}
        assert screen.query_one("#try-ask").display and not screen.query_one("#try-correct").display
        question = shown(screen.query_one("#try-correct-label"))
        assert f"Is it {screen.pair[0]} or {screen.pair[1]}?" in question, question
        for selector, label in (("#ask-first", screen.pair[0]), ("#ask-second", screen.pair[1])):
            assert str(screen.query_one(selector).label) == label
        for button in screen.query("Button.ask"):
            assert button.region.height >= 3, button  # a finger's target
        before = {sample.id for sample in project.samples(class_id=box.id)}
        asked = screen.asked
        await tap(pilot, ask_button(screen, "box"))
        [new] = [sample for sample in project.samples(class_id=box.id) if sample.id not in before]
        size, mask = saved(project, new)
        assert size == (asked.subject.shape[1], asked.subject.shape[0])
        assert np.array_equal(mask, asked.mask > 0)  # the frame asked about, not a later one
        assert "Added as a photo of box" in shown(screen.query_one("#try-correct-label"))
        assert screen.asked is None and not screen.query_one("#try-ask").display
        assert screen.query_one("#try-correct").display
        assert len(project.samples(class_id=ball.id)) == balls


async def test_neither_keeps_nothing_and_says_to_add_a_class(make_app, project, session, trained):
    change_open_set(current_model_dir(project, session), min_confidence=1.0, max_distance=4.0)
    app = make_app(clock=lambda: 0.0)  # time stands still: an answer's thanks stay up
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_try(pilot)
        await wait_until(pilot, lambda: screen.asked is not None, timeout=30)
        screen.frozen = True
        await pilot.pause()
        for button in screen.query("Button.ask"):
            assert button.region.height >= 3 and button.region.bottom <= 24, button
        before = len(project.samples())
        await tap(pilot, "#ask-neither")
        assert len(project.samples()) == before
        assert "add a class for it" in shown(screen.query_one("#try-correct-label"))
        assert screen.asked is None and screen.answered


def judged(probabilities: tuple[float, float], *, seen: bool = True) -> Answer:
    """An answer about ball and box as the live loop hands it over."""
    pixels = np.zeros((8, 8, 3), np.uint8)
    return Answer(("ball", "box"), probabilities if seen else (), pixels, None, seen=seen)


async def test_one_question_per_object_and_it_settles_when_the_model_is_sure(make_app, project):
    """The question's life frame by frame, on the real screen (no model: the live loop stays out)."""
    project.add_class("ball")
    project.add_class("box")
    now = [0.0]
    app = make_app(clock=lambda: now[0])
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_try(pilot)
        await wait_until(pilot, lambda: "no trained model" in answer_text(screen))
        doubt, sure = judged((0.45, 0.55)), judged((0.9, 0.1))
        screen.follow_doubt(doubt)
        assert screen.asked is doubt and screen.pair == ("box", "ball")
        screen.follow_doubt(judged((0.46, 0.54)))  # the same doubt again: the question keeps its frame
        assert screen.asked is doubt
        flipped = judged((0.55, 0.45))  # a doubt the other way round: most likely another object
        screen.follow_doubt(flipped)
        assert screen.asked is flipped and screen.pair == ("ball", "box")
        screen.follow_doubt(doubt)
        screen.follow_doubt(sure)  # one sure frame does not take the buttons from under a finger
        now[0] += SETTLE_S - 0.1
        screen.follow_doubt(sure)
        assert screen.asked is doubt
        now[0] += 0.2
        screen.follow_doubt(sure)
        assert screen.asked is None and not screen.query_one("#try-ask").display
        # Answered: the same object's next doubtful frames ask nothing, until the stage was empty
        # and the thanks have been up for a while.
        screen.follow_doubt(doubt)
        screen.answer_question("ask-neither")
        now[0] += THANKS_S
        screen.follow_doubt(doubt)
        assert screen.asked is None
        screen.follow_doubt(judged((), seen=False))
        screen.answer_question("ask-neither")  # no question open: a stray tap changes nothing
        screen.follow_doubt(doubt)
        assert screen.asked is doubt
        screen.answer_question("ask-neither")
        screen.follow_doubt(judged((), seen=False))
        screen.follow_doubt(doubt)
        assert screen.asked is None, "the thanks are still being read"
        now[0] += THANKS_S
        screen.follow_doubt(doubt)
        assert screen.asked is doubt

"""The assistant's own answers: which common question was asked (typos and all), and answers that
quote the project's measurements; and a model's answer made fit for the screen."""

from __future__ import annotations

import pytest

from kiosk.assistant.assistant import printable
from kiosk.assistant.intents import SUGGESTED, Intent, match_intent, named_class
from kiosk.assistant.offline import NO_MODEL, offline_answer
from tests.kiosk.assistant.project_facts import ADVICE, trained_facts, untrained_facts


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        *((question, intent) for intent, question in SUGGESTED.items()),
        ("why did it say pear?", Intent.WHY),
        ("Why does it think that's a ball??", Intent.WHY),
        ("whyy did it sya box", Intent.WHY),
        ("How does it decide?", Intent.WHY),
        ("what now", Intent.NEXT),
        ("How can I make it better?", Intent.NEXT),
        ("wat shuold i do nxt", Intent.NEXT),
        ("How good is it?", Intent.GOOD_ENOUGH),
        ("is it acurate", Intent.GOOD_ENOUGH),
        ("Can I trust it?", Intent.GOOD_ENOUGH),
        ("What's the weather like?", None),
        ("", None),
    ],
)
def test_the_common_questions_are_recognised_however_they_are_typed(question, intent):
    assert match_intent(question) == intent


def test_a_named_class_is_found_by_its_whole_name_the_longest_first():
    classes = ("apple", "red apple", "pear")
    assert named_class("why did it say red apple?", classes) == "red apple"
    assert named_class("why did it say APPLE", classes) == "apple"
    assert named_class("why did it say pearr", classes) == "pear"  # a typo
    assert named_class("why did it say peach", classes) is None
    assert named_class("why is it red", classes) is None  # half a name is not the name


def test_is_it_good_enough_quotes_the_held_out_score_and_what_to_doubt():
    answer = offline_answer("Is it good enough?", trained_facts())
    assert "On 16 photos it had not seen while learning, it was right 13 times (81%)." in answer
    assert "fair" in answer
    assert "With 4 photos of box, that score is rough." in answer
    assert "a new colour changed 62% of its answers" in answer
    assert "You added 3 photos since" in answer


def test_why_names_the_cue_and_the_mix_up_behind_the_answer_asked_about():
    answer = offline_answer("why did it say box?", trained_facts())
    assert answer.startswith("It says box when a picture looks more like your 4 photos of box")
    assert "It goes mostly by colour: a new colour changed 62% of its answers." in answer
    assert "it took 1 of 12 photos of ball for box" in answer  # the times it said box wrongly
    # Asked from the Try step, "that" is what the model said last.
    assert offline_answer("Why did it say that?", trained_facts(said="ball")).startswith("It says ball")


def test_what_next_is_the_coach_s_top_suggestion():
    assert offline_answer("What should I do next?", trained_facts()) == ADVICE.reason


def test_without_a_model_every_question_says_to_train_first():
    for question in SUGGESTED.values():
        assert offline_answer(question, untrained_facts()) == NO_MODEL


def test_a_question_it_cannot_answer_offline_lists_those_it_can():
    answer = offline_answer("What's the weather like?", trained_facts())
    assert all(question in answer for question in SUGGESTED.values())
    assert ADVICE.reason in answer


def test_a_model_s_answer_loses_its_control_characters_but_not_its_lines():
    assert printable(" It's a \x1b[31mball\x07.\nReally.\r\x00 ") == "It's a [31mball.\nReally."

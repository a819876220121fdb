"""Which answers the Try step asks the visitor about: the open-set rule's "not sure", and close calls
it let stand; never an empty stage or an object unlike every photo."""

import numpy as np

from kiosk.learning.open_set import Rejection
from kiosk.live.prediction import Answer
from kiosk.live.question import ASK_MARGIN, question

LABELS = ("apple", "pear", "plum")
PIXELS = np.zeros((4, 4, 3), np.uint8)


def judged(*probabilities: float, rejection: Rejection | None = None) -> Answer:
    return Answer(LABELS, probabilities, PIXELS, None, rejection)


def test_the_rules_not_sure_asks_about_its_two_candidates():
    unsure = Rejection("unsure", ("pear", "apple"))
    assert question(judged(0.2, 0.7, 0.1, rejection=unsure)) == ("pear", "apple")


def test_a_close_call_the_rule_let_stand_asks_about_the_top_two_most_likely_first():
    assert question(judged(0.3, 0.25, 0.45)) == ("plum", "apple")
    just_inside = 0.5 + ASK_MARGIN / 2 - 0.01
    assert question(judged(just_inside, 1 - just_inside, 0.0)) == ("apple", "pear")


def test_a_clear_answer_asks_nothing():
    clear = 0.5 + ASK_MARGIN / 2 + 0.01
    assert question(judged(clear, 1 - clear, 0.0)) is None
    assert question(judged(0.9, 0.05, 0.05)) is None


def test_unknown_and_empty_ask_nothing():
    unknown = Rejection("unknown", ("apple", "pear"))
    assert question(judged(0.4, 0.35, 0.25, rejection=unknown)) is None
    assert question(Answer(LABELS, (), PIXELS, None, seen=False)) is None

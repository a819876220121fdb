"""Which frames the Try step asks the visitor about: "Is it A or B?" where the model hesitates.

A label a person gives where the model is unsure teaches it more than one anywhere else: that is
uncertainty sampling, and `bench/active_learning.py` measures it with the kiosk's own trainer
(bench/README.md, "active_learning.py"). The model hesitates when its open-set rule says "not sure"
(`kiosk/learning/open_set.py`), and also when the rule lets the label stand but the two most likely
classes are within `ASK_MARGIN` of each other: the rule's threshold is calibrated so that it turns
away almost no correct answer, which leaves close calls it does not flag. An "unknown" answer is not
asked about: the object is unlike every photo, so "A or B?" would be the wrong question.
"""

from __future__ import annotations

import numpy as np

from kiosk.live.prediction import Answer

ASK_MARGIN = 0.3
"""The top two classes' probabilities closer than this make a question: with two classes, the most
likely one below 65 %."""


def question(found: Answer) -> tuple[str, str] | None:
    """The two classes to ask about for this answer, most likely first; None when it needs no question."""
    if not found.seen or len(found.probabilities) < 2:
        return None
    if found.rejection is not None:
        return found.rejection.candidates if found.rejection.reason == "unsure" else None
    first, second = (int(i) for i in np.argsort(-np.asarray(found.probabilities), kind="stable")[:2])
    if found.probabilities[first] - found.probabilities[second] < ASK_MARGIN:
        return found.labels[first], found.labels[second]
    return None

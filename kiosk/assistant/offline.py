"""The assistant's own answers, with no language model: the common questions, from the measurements.

Each answer is a few short sentences built from `ProjectFacts`: the held-out scores and mix-ups of
the current model, what a new colour or background does to its answers, the photo counts and the
coach's top suggestion. They are what the kiosk knows for certain, so they are also what the visitor
gets when the assistant server is down.
"""

from __future__ import annotations

from kiosk.assistant.facts import MixUp, ProjectFacts
from kiosk.assistant.intents import SUGGESTED, Intent, match_intent, named_class
from kiosk.learning.cues import PROBES

GOOD = 0.9
"""Held-out accuracy a few minutes' teaching can be proud of."""
FAIR = 0.75
"""Below this the model is wrong about one photo in four or more: not yet."""
ROUGH_BELOW = 10
"""Photos of a class under which its score says little (the coach asks for ten, `few_samples`)."""

NO_MODEL = "There is no trained model yet. Take photos of each class, then train it on the Train step."


def offline_answer(question: str, facts: ProjectFacts) -> str:
    """The answer to `question` from the facts alone."""
    intent = match_intent(question)
    if intent is Intent.WHY:
        return why(facts, named_class(question, facts.classes) or facts.said)
    if intent is Intent.NEXT:
        return next_step(facts)
    if intent is Intent.GOOD_ENOUGH:
        return good_enough(facts)
    return "I can answer questions like: " + " ".join(SUGGESTED.values()) + " " + next_step(facts)


def why(facts: ProjectFacts, label: str | None) -> str:
    """Why the model says what it says; about `label` when the visitor named a class."""
    if not facts.trained:
        return NO_MODEL
    if label is None:
        sentences = [
            "It answers with the class whose photos a picture looks most like, "
            f"from what it learnt from your photos of {_listed(facts.classes)}."
        ]
    else:
        sentences = [
            f"It says {label} when a picture looks more like your {facts.photos.get(label, 0)} photos "
            f"of {label} than like the photos of the other classes."
        ]
    if (dominant := facts.dominant_cue) is not None:
        cue, share = dominant
        probe = PROBES[cue]
        sentences.append(
            f"It goes mostly by {probe.noun}: {probe.change_words} changed {share:.0%} of its answers."
        )
    if facts.scores is not None:
        mix_ups = list(facts.scores.mix_ups) if label is None else _about(facts.scores.mix_ups, label)
        if mix_ups:
            worst = mix_ups[0]
            sentences.append(
                f"On photos it had not seen, it took {worst.count} of {worst.of} photos of {worst.true} "
                f"for {worst.said}."
            )
    return " ".join(sentences)


def _about(mix_ups: tuple[MixUp, ...], label: str) -> list[MixUp]:
    """The mix-ups that made the model say `label`, else those of photos of `label`."""
    return [m for m in mix_ups if m.said == label] or [m for m in mix_ups if m.true == label]


def next_step(facts: ProjectFacts) -> str:
    """The coach's best suggestion, or what is left to do when it has none."""
    if facts.advice:
        return facts.advice[0].reason
    if not facts.trained:
        return NO_MODEL
    return "Nothing to fix right now: try it live on the Try step, with things it has not seen yet."


def good_enough(facts: ProjectFacts) -> str:
    """How good the model is on photos it had not seen, and what to doubt about that number."""
    if not facts.trained:
        return NO_MODEL
    scores = facts.scores
    if scores is None:
        return "It had too few photos to be tested on ones it had not seen: take more, then train it again."
    right = round(scores.accuracy * scores.held_out)
    sentences = [
        f"On {scores.held_out} photos it had not seen while learning, it was right {right} times "
        f"({scores.accuracy:.0%}).",
        _verdict(scores.accuracy),
    ]
    fewest = min(facts.classes, key=lambda label: facts.photos.get(label, 0))
    if facts.photos.get(fewest, 0) < ROUGH_BELOW:
        sentences.append(f"With {facts.photos.get(fewest, 0)} photos of {fewest}, that score is rough.")
    if (dominant := facts.dominant_cue) is not None:
        probe = PROBES[dominant[0]]
        sentences.append(f"But {probe.change_words} changed {dominant[1]:.0%} of its answers.")
    if facts.photos_since_training:
        sentences.append(f"You added {facts.photos_since_training} photos since: train it again to use them.")
    return " ".join(sentences)


def _verdict(accuracy: float) -> str:
    if accuracy >= GOOD:
        return "That is good for a model taught in a few minutes: see if it works live."
    if accuracy >= FAIR:
        return "That is fair, but it still makes mistakes."
    return "Not yet: it is often wrong."


def _listed(labels: tuple[str, ...]) -> str:
    if not labels:
        return "your classes"
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]

"""The chat messages a language model gets: who it is, the rules, the project's facts, the question.

The facts go in the system prompt as one line of JSON (`ProjectFacts.as_json`): compact, so a
small model beside the GPU worker reads all of it quickly, and exact, so it has numbers to repeat
rather than to guess. The rules keep answers short and about the project, since they are read
off a touchscreen by a child or a parent, and they pass the exhibit's word filter on the way back.
"""

from __future__ import annotations

import json

from kiosk.assistant.facts import ProjectFacts

SYSTEM = (
    "You are the friendly coach of TeachBooth, a museum kiosk where a visitor teaches a camera to tell "
    "objects apart: they name classes, take photos of each, may add generated variations, train a "
    "small model on the photos and try it live (steps: Classes, Capture, Expand, Train, Try it). "
    "Answer the visitor's question about their project in at most three short, plain sentences a "
    "child can follow. Use only the facts below; when they do not answer the question, say which "
    "step to try. 'right' and 'accuracy' are shares of photos the model had not seen while learning; "
    "'answers_changed_by_new' says how often a new colour, background, angle, light or blur changed "
    "its answers (a high share means it goes by that rather than by the object).\n"
    "Project facts: "
)


def chat_messages(question: str, facts: ProjectFacts) -> list[dict[str, str]]:
    """The system prompt with the facts, then the visitor's question."""
    facts_json = json.dumps(facts.as_json(), ensure_ascii=False, separators=(",", ":"))
    return [
        {"role": "system", "content": SYSTEM + facts_json},
        {"role": "user", "content": question},
    ]

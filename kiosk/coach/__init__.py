"""The coach: the kiosk's offline proactive assistant (docs/architecture.md#coach).

    from kiosk.coach import build_state, suggest
    state = build_state(classes, images, labels, masks=masks, fit=svm_fit, gate=tallies)
    for suggestion in suggest(state):
        print(suggestion.score, suggestion.reason, suggestion.action)

DuetML's proactive assistant (docs/architecture.md#research) looked at the data every minute and pointed out
what the user overlooked; this one does it with rules and no network: too few or unbalanced
pictures, classes that colour or background alone tells apart (the red-apple / green-pear trap),
pairs the model confuses, generated images the quality gate refused, a model behind its data.
`build_state` is the heavy half (histograms and cross-validated probes, a fraction of a second);
`suggest` only compares numbers. For a kiosk project, `project_state.project_state(project, backbone)`
gathers the samples, cached features and gate verdicts from the store and calls `build_state`.
"""

from kiosk.coach.build import build_state, tally_gate
from kiosk.coach.coach import suggest
from kiosk.coach.config import CoachConfig
from kiosk.coach.state import CoachState, Cue, GateTally
from kiosk.coach.suggestion import (
    Action,
    AddClass,
    CaptureSamples,
    GenerateVariations,
    RenameClass,
    Retrain,
    ReviewGenerated,
    Suggestion,
)

__all__ = [
    "Action",
    "AddClass",
    "CaptureSamples",
    "CoachConfig",
    "CoachState",
    "Cue",
    "GateTally",
    "GenerateVariations",
    "RenameClass",
    "Retrain",
    "ReviewGenerated",
    "Suggestion",
    "build_state",
    "suggest",
    "tally_gate",
]

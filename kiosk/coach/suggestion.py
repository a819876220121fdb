"""What the coach hands the screen: a ranked piece of advice and the one action that follows it.

Actions are typed so the kiosk can turn a suggestion into a button that does the thing (open the
capture step on a class, send a generation job with a preset, open the review grid) instead of
parsing prose; the prose (`reason`) is for the person in front of the kiosk.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.presets import Preset


@dataclass(frozen=True)
class AddClass:
    """Create another class: a classifier needs at least two."""

    label: str | None = None
    """The name the coach suggests for it ("something else"); None: the visitor names it."""


@dataclass(frozen=True)
class RenameClass:
    """Give a class another name: it overlaps another class's (`kiosk/coach/class_names.py`)."""

    label: str


@dataclass(frozen=True)
class CaptureSamples:
    """Photograph more real examples of these classes."""

    labels: tuple[str, ...]
    count: int | None = None
    """How many more pictures per class would settle the finding; None where no number is meaningful."""
    contrasting: bool = False
    """Ask for examples that show what tells the classes apart (a confused pair)."""


@dataclass(frozen=True)
class GenerateVariations:
    """Ask the generator for variations of these classes' samples with a preset."""

    preset: Preset
    labels: tuple[str, ...]


@dataclass(frozen=True)
class ReviewGenerated:
    """Open the review grid on generated images of these classes that the quality gate refused."""

    labels: tuple[str, ...]


@dataclass(frozen=True)
class Retrain:
    """Train the classifier again (or for the first time) on the current samples."""


Action = AddClass | RenameClass | CaptureSamples | GenerateVariations | ReviewGenerated | Retrain


@dataclass(frozen=True)
class Suggestion:
    rule: str
    """Machine id of the rule that made it (a key of `kiosk.coach.rules.RULES`)."""
    score: float
    """Rank: the rule's weight times the finding's severity, in (0, 1]; higher comes first."""
    reason: str
    """One or two sentences a visitor or a line worker can act on."""
    action: Action

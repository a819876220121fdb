"""The model history in the words the Train step and `teachbooth train --project` show a person.

    changes_words(changes)  "Against version 3: +8 points on pear. 3 photos added, 1 removed, 8 new
                            pictures kept."
    changes_line(changes)   "vs 3: +8 points on pear; 3 photos added, 1 removed, 8 new pictures kept"

Points are percentage points of accuracy on the visitor's real photos, rounded; a class whose score
moved by less than half a point is not named, so the sentence lists only what a person would see
move on the bars.
"""

from __future__ import annotations

from kiosk.learning.history import VersionChanges


def _points(change: float) -> int:
    return round(change * 100)


def score_words(changes: VersionChanges) -> str:
    """How the scores moved, class by class."""
    moved = [
        f"{_points(change):+d} points on {label}"
        for label, change in changes.per_class.items()
        if change is not None and _points(change)
    ]
    if moved:
        return ", ".join(moved)
    if changes.accuracy is None:
        return "the scores cannot be compared (too few photos to test one of them)"
    return "the same score on every class"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def data_words(changes: VersionChanges) -> str:
    """What it trained on that the previous version did not, and the other way round."""
    if changes.photos_added is None:
        kept = _count(changes.generated_kept, "generated picture")
        return f"{kept} kept (what the older model learned from is not recorded)"
    parts = []
    if changes.photos_added:
        parts.append(_count(changes.photos_added, "photo") + " added")
    if changes.photos_removed:
        removed = changes.photos_removed
        parts.append(f"{removed} removed" if parts else _count(removed, "photo") + " removed")
    if changes.generated_added:
        parts.append(_count(changes.generated_added, "new picture") + " kept")
    if changes.generated_removed:
        parts.append(_count(changes.generated_removed, "generated picture") + " dropped")
    return ", ".join(parts) if parts else "the same photos and pictures"


def changes_words(changes: VersionChanges | None) -> str:
    """One or two sentences: the scores, then the data, against the version in use before."""
    if changes is None:
        return "This is the project's first model."
    data = data_words(changes)
    return f"Against version {changes.previous}: {score_words(changes)}. {data[0].upper()}{data[1:]}."


def changes_line(changes: VersionChanges | None) -> str:
    """The same on one short line, for a table of versions."""
    if changes is None:
        return "first model"
    return f"vs {changes.previous}: {score_words(changes)}; {data_words(changes)}"

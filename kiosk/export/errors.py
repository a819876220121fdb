"""What an export refuses: one base class, so the CLI can turn any of them into one line."""

from __future__ import annotations


class ExportError(Exception):
    """An export that cannot be written: bad source, nothing to export, I/O failure."""


class OutputExists(ExportError):
    """`--out` names something that is already there and `force` was not given (or it is not ours)."""


class BadOutput(ExportError):
    """`--out` cannot be used as given: wrong suffix, or its folder does not exist."""

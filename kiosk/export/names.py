"""Folder names for class labels inside an exported zip.

A label is whatever a visitor typed: `../../etc`, `con`, `a/b`, `Pear?` and `  .hidden` are all
valid labels, and each would escape the archive, be refused by Windows or vanish on extraction if
used as a folder name as it is. Every exported label therefore gets a folder name made only of
letters, digits, spaces, `-`, `_` and `.`, that is not a Windows device name, does not start or end
with a dot or space, is at most `MAX_FOLDER_CHARS` long, and differs from every other class's name
even on a case-insensitive file system. The real label always stays in the metadata CSV.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

MAX_FOLDER_CHARS = 64
"""Far below every file system's name limit, with room for a `-2` suffix."""

RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)
"""Windows device names: refused as a file or folder name with any extension (`con.txt` too)."""

_UNSAFE = re.compile(r"[^\w .-]+")  # \w is Unicode letters, digits and _


def safe_name(label: str, fallback: str = "class") -> str:
    """One label as a single, portable path component (see the module docstring)."""
    name = unicodedata.normalize("NFC", label)
    name = _UNSAFE.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    name = name[:MAX_FOLDER_CHARS].rstrip(" .")
    if not name:
        return fallback
    if name.split(".")[0].casefold() in RESERVED:
        name = f"_{name}"[:MAX_FOLDER_CHARS]
    return name


def folder_names(labels: Iterable[str]) -> dict[str, str]:
    """label → folder name for every label, distinct ignoring case; earlier labels keep the plain name."""
    taken: set[str] = set()
    names: dict[str, str] = {}
    for label in labels:
        base = safe_name(label)
        name, number = base, 1
        while name.casefold() in taken:
            number += 1
            suffix = f"-{number}"
            name = base[: MAX_FOLDER_CHARS - len(suffix)] + suffix
        taken.add(name.casefold())
        names[label] = name
    return names

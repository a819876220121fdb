"""Class labels: what a visitor types on a touchscreen, so everything is checked and nothing trusted.

Labels never reach the file system (files are named by sample id), but they do reach wire
messages, screens, logs and exported folder names, so they are kept to printable text.
"""

from __future__ import annotations

import unicodedata

from kiosk.store.errors import LabelError
from shared.protocol import limits

MAX_LABEL_CHARS = limits.MAX_LABEL_CHARS
"""Same limit as a label in a generation job, so every stored label can be sent."""

MAX_CLASSES = 8
"""The store's limit; the TUI additionally asks for at least two before training."""


def clean_label(raw: object) -> str:
    """Return the label as stored: NFC-normalised and trimmed. Raises `LabelError` with a reason."""
    if not isinstance(raw, str):
        raise LabelError(f"a label must be text, not {type(raw).__name__}")
    label = unicodedata.normalize("NFC", raw).strip()
    if not label:
        raise LabelError("the label is blank")
    if len(label) > MAX_LABEL_CHARS:
        raise LabelError(f"the label has {len(label)} characters; at most {MAX_LABEL_CHARS} are allowed")
    bad = next((ch for ch in label if not ch.isprintable()), None)
    if bad is not None:
        raise LabelError(f"the label contains a control or invisible character (U+{ord(bad):04X})")
    return label


def label_key(label: str) -> str:
    """What uniqueness is judged on: 'Apple', 'APPLE' and 'apple' are the same class."""
    return label.casefold()

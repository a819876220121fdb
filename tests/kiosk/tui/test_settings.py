"""The kiosk's settings refuse what would only fail later, in front of a visitor."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kiosk.tui.config import KioskSettings


def test_a_word_file_that_cannot_be_read_stops_the_kiosk_at_start(tmp_path):
    unreadable = tmp_path / "words.txt"
    unreadable.write_bytes(b"\xff\xfe not utf-8")
    with pytest.raises(ValidationError, match="cannot read the word list"):
        KioskSettings(word_file=unreadable)
    with pytest.raises(ValidationError, match="word_file"):
        KioskSettings(word_file=tmp_path / "missing.txt")

"""Fixtures of the expansion layer's tests: a real project in a temporary folder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk.store import Project


@pytest.fixture
def project(tmp_path) -> Iterator[Project]:
    with Project.open(tmp_path / "project") as opened:
        yield opened

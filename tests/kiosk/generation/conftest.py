"""Fixtures of the expansion layer's tests: a real project in a temporary folder, a started job client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk.jobs.client import JobClient
from kiosk.store import Project
from shared.mqtt import BrokerUrl


@pytest.fixture
def project(tmp_path) -> Iterator[Project]:
    with Project.open(tmp_path / "project") as opened:
        yield opened


@pytest.fixture
def client(mosquitto, tmp_path) -> Iterator[JobClient]:
    """Kiosk k1's job client, connected to the test's mosquitto."""
    made = JobClient(BrokerUrl.parse(mosquitto.url), "k1", tmp_path / "outbox.sqlite")
    made.start()
    assert made.wait_connected(10)
    yield made
    made.stop()

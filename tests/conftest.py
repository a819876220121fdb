from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.mosquitto import Mosquitto
from tests.support.probe import Probe


@pytest.fixture
def mosquitto(tmp_path) -> Iterator[Mosquitto]:
    """A real mosquitto on a free loopback port, with persistence so restarts keep state."""
    broker = Mosquitto(workdir=tmp_path, persistence=True)
    broker.start()
    yield broker
    broker.stop()


@pytest.fixture
def probe_factory(mosquitto) -> Iterator:
    probes: list[Probe] = []

    def make(*filters: str) -> Probe:
        probe = Probe(mosquitto.url, *filters)
        probes.append(probe)
        return probe

    yield make
    for probe in probes:
        probe.close()

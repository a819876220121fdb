from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.support.mosquitto import Mosquitto
from tests.support.probe import Probe

# Nothing may download at run time (the model hub is unreachable on these machines). The Hugging
# Face libraries read this once, when first imported, which is after this root conftest loads.
os.environ.setdefault("HF_HUB_OFFLINE", "1")


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

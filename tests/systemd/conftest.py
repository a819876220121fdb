from __future__ import annotations

from collections.abc import Iterator

import pytest

from testkit.mosquitto import SecuredBroker
from testkit.probe import Probe
from tests.systemd.secured_broker import start_secured_broker


@pytest.fixture(scope="module")
def secured(tmp_path_factory) -> Iterator[SecuredBroker]:
    """The shipped mosquitto configuration with a provisioned fleet (secured_broker.FLEET)."""
    broker = start_secured_broker(tmp_path_factory.mktemp("secured"))
    yield broker
    broker.stop()


@pytest.fixture
def client_factory(secured) -> Iterator:
    """Probes connected as a fleet member, with its provisioned password, over TLS."""
    probes: list[Probe] = []

    def make(user: str, *filters: str) -> Probe:
        probe = Probe(secured.url(user), *filters)
        probes.append(probe)
        return probe

    yield make
    for probe in probes:
        probe.close()

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from testkit.mosquitto import SecuredBroker
from testkit.probe import Probe
from tests.systemd.raw_client import Mqtt5Client
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


@pytest.fixture
def mqtt5(secured) -> Iterator[Callable[[str], Mqtt5Client]]:
    """Raw MQTT 5 clients connected as a fleet member (attackers, readers), to read SUBACK reason codes."""
    made: list[Mqtt5Client] = []

    def connect(user: str) -> Mqtt5Client:
        made.append(client := Mqtt5Client(secured.url(user)))
        return client

    yield connect
    for client in made:
        client.close()

"""Readers (a PLC gateway, a line dashboard) through the shipped broker: every station's verdicts and
status, and nothing else, in either direction.

Refused subscriptions are read from the SUBACK's reason codes (MQTT 5), as the fleet attacks are.
Negatives on delivery are proven with markers, not waits (tests/systemd/test_broker_access.py): the
forbidden message is published and acknowledged first, then an allowed marker; a subscriber that
receives the marker would have received the forbidden message before it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from kiosk.station.outbox import VerdictOutbox
from kiosk.station.publisher import VerdictPublisher
from kiosk.station.verdict import Judgement, make_verdict
from shared.mqtt import BrokerUrl
from shared.protocol import encode, topics
from shared.protocol.station import StationStatus, StationVerdict
from tests.systemd.secured_broker import connect_reason

GRANTED = ["Granted QoS 1"]
REFUSED = ["Not authorized"]


@pytest.fixture
def station(secured, tmp_path) -> Iterator[tuple[VerdictOutbox, VerdictPublisher]]:
    """Station s1's real publisher on its provisioned URL, with an outbox of its own."""
    outbox = VerdictOutbox(tmp_path / "outbox.sqlite")
    publisher = VerdictPublisher(BrokerUrl.parse(secured.url("s1")), "s1", outbox)
    yield outbox, publisher
    publisher.stop()
    outbox.close()


def test_a_reader_gets_in_with_its_own_client_id_only(secured):
    assert connect_reason(secured.url("plc1")) == "Success"
    assert connect_reason(secured.url("plc1", client_id="dash")) == "Not authorized"


def test_a_reader_receives_the_verdicts_and_status_a_provisioned_station_publishes(client_factory, station):
    reader = client_factory("plc1", topics.STATION_VERDICTS_FILTER, topics.STATION_STATUS_FILTER)
    outbox, publisher = station
    verdict = make_verdict(
        "s1", 1, 1, Judgement("good", 0.97, {"good": 0.97, "bad": 0.03}), datetime.now(UTC)
    )
    outbox.add(verdict.sequence, topics.station_verdicts("s1"), encode(verdict))
    publisher.start()
    publisher.wake()
    seen = reader.expect(lambda seen: seen.topic == topics.station_verdicts("s1"))
    assert StationVerdict.model_validate_json(seen.payload) == verdict
    status = reader.expect(lambda seen: seen.topic == topics.station_status("s1"))
    assert StationStatus.model_validate_json(status.payload).station_id == "s1"


@pytest.mark.parametrize(
    "topic_filter",
    [topics.STATION_VERDICTS_FILTER, topics.STATION_STATUS_FILTER, topics.station_verdicts("s1")],
)
def test_a_reader_may_subscribe_to_station_verdicts_and_status(mqtt5, topic_filter):
    assert mqtt5("plc1").subscribe(topic_filter) == GRANTED


@pytest.mark.parametrize(
    "topic_filter",
    [
        topics.ALL_JOBS_FILTER,
        topics.backend_jobs_filter("classic"),
        topics.shared_backend_jobs_filter(topics.DEFAULT_SHARED_GROUP, "classic"),
        topics.kiosk_events_filter("kA"),
        topics.WORKER_STATUS_FILTER,
        f"{topics.ROOT}/station/+/#",
        "#",
    ],
)
def test_a_reader_may_not_subscribe_to_anything_else(mqtt5, topic_filter):
    """Jobs carry camera images; a reader is told about parts, not about the kiosks' and workers' work."""
    assert mqtt5("plc1").subscribe(topic_filter) == REFUSED


@pytest.mark.parametrize("user", ["plc1", "kA", "w1"])
def test_no_reader_kiosk_or_worker_can_publish_a_verdict_or_a_status_for_a_station(client_factory, user):
    """A forged verdict could make the line act on a part nobody judged."""
    other_reader = client_factory("dash", topics.STATION_VERDICTS_FILTER, topics.STATION_STATUS_FILTER)
    forged = f'{{"forged by": "{user}"}}'.encode()
    forger = client_factory(user)
    forger.publish(topics.station_verdicts("s1"), forged)
    forger.publish(topics.station_status("s1"), forged, retain=True)
    forger.publish(topics.station_verdicts(user), forged)
    client_factory("s1").publish(topics.station_verdicts("s1"), b'{"marker": 1}')
    other_reader.expect(lambda seen: seen.payload == b'{"marker": 1}')
    assert not [seen.topic for seen in other_reader.drain() if seen.payload == forged]


@pytest.mark.parametrize("user", ["kA", "w1", "s1"])
def test_no_kiosk_worker_or_station_may_subscribe_to_station_verdicts_or_status(mqtt5, user):
    member = mqtt5(user)
    assert member.subscribe(topics.STATION_VERDICTS_FILTER) == REFUSED
    assert member.subscribe(topics.STATION_STATUS_FILTER) == REFUSED

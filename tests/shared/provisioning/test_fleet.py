from __future__ import annotations

import pytest

from shared.provisioning.fleet import Fleet, FleetError, split_ids


def test_a_valid_fleet_lists_kiosks_then_workers_then_stations_then_readers_as_users():
    fleet = Fleet("broker.lan", ("k1", "k2"), ("w1",), stations=("s1",), readers=("plc1",))
    assert fleet.users == ("k1", "k2", "w1", "s1", "plc1")
    assert fleet.members[-2:] == (("station", "s1"), ("reader", "plc1"))


@pytest.mark.parametrize(
    ("stations", "complaint"),
    [
        (("k1",), "kiosk and a station alike: k1"),
        (("w1",), "worker and a station alike: w1"),
        (("s/1",), "station id 's/1'"),
        (("s1", "s1"), "station ids given twice: s1"),
    ],
)
def test_a_station_id_is_checked_like_the_others_and_may_not_be_a_kiosk_s_or_a_worker_s(stations, complaint):
    with pytest.raises(FleetError, match=complaint):
        Fleet("b", ("k1",), ("w1",), stations=stations)


@pytest.mark.parametrize(
    ("readers", "complaint"),
    [
        (("k1",), "kiosk and a reader alike: k1"),
        (("w1",), "worker and a reader alike: w1"),
        (("s1",), "station and a reader alike: s1"),
        (("plc#",), "reader id 'plc#'"),
        (("plc1", "plc1"), "reader ids given twice: plc1"),
    ],
)
def test_a_reader_id_is_checked_like_the_others_and_may_be_no_other_member_s(readers, complaint):
    """A reader that were also a kiosk would hold both roles' rights under one password."""
    with pytest.raises(FleetError, match=complaint):
        Fleet("b", ("k1",), ("w1",), stations=("s1",), readers=readers)


@pytest.mark.parametrize("host", ["broker.lan", "10.0.0.5", "::1", "localhost"])
def test_host_names_and_addresses_are_accepted(host):
    assert Fleet(host, ("k1",), ("w1",)).broker_host == host


@pytest.mark.parametrize(
    ("kiosks", "workers", "host", "complaint"),
    [
        (("k1/x",), ("w1",), "b", "kiosk id 'k1/x'"),
        (("k+",), ("w1",), "b", "kiosk id 'k+'"),
        (("k1",), ("#",), "b", "worker id '#'"),
        (("k1",), ("x" * 65,), "b", "worker id"),
        (("k1", "k1"), ("w1",), "b", "kiosk ids given twice: k1"),
        (("k1", "same"), ("same",), "b", "kiosk and a worker alike: same"),
        ((), ("w1",), "b", "at least one kiosk"),
        (("k1",), ("w1",), "bad host!", "neither a host name"),
        (("k1",), ("w1",), "", "neither a host name"),
    ],
)
def test_bad_fleets_are_refused_with_the_reason(kiosks, workers, host, complaint):
    with pytest.raises(FleetError, match=complaint.replace("+", r"\+")):
        Fleet(host, kiosks, workers)


def test_ports_outside_the_range_are_refused():
    with pytest.raises(FleetError, match="port 70000"):
        Fleet("b", ("k1",), ("w1",), port=70000)


def test_split_ids_forgives_blanks_but_not_empty_items():
    assert split_ids("k1, k2 ,k3") == ("k1", "k2", "k3")
    with pytest.raises(FleetError, match="empty id"):
        split_ids("k1,,k2")

"""Topic names: building, parsing back, and refusing anything that is not ours."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from paho.mqtt.client import topic_matches_sub

from shared.protocol import topics
from tests.shared.protocol.strategies import ids

PARSERS = {
    "job": topics.parse_job_topic,
    "events": topics.parse_events_topic,
    "cancel": topics.parse_cancel_topic,
}
BUILDERS = {"job": topics.job, "events": topics.events, "cancel": topics.cancel}


@settings(max_examples=200)
@given(ids, ids)
def test_job_and_events_topics_round_trip(kiosk_id, job_id):
    job_topic = topics.job(kiosk_id, job_id)
    events_topic = topics.events(kiosk_id, job_id)
    assert job_topic == f"teachbooth/v1/kiosk/{kiosk_id}/jobs/{job_id}"
    assert events_topic == f"teachbooth/v1/kiosk/{kiosk_id}/events/{job_id}"
    assert topics.parse_job_topic(job_topic) == (kiosk_id, job_id)
    assert topics.parse_events_topic(events_topic) == (kiosk_id, job_id)
    # Each parser knows only its own kind of topic.
    assert topics.parse_job_topic(events_topic) is None
    assert topics.parse_events_topic(job_topic) is None


@settings(max_examples=200)
@given(ids, ids, ids)
def test_filters_match_their_topics(kiosk_id, other_kiosk, job_id):
    assert topic_matches_sub(topics.ALL_JOBS_FILTER, topics.job(kiosk_id, job_id))
    assert not topic_matches_sub(topics.ALL_JOBS_FILTER, topics.events(kiosk_id, job_id))
    assert topic_matches_sub(topics.kiosk_events_filter(kiosk_id), topics.events(kiosk_id, job_id))
    assert not topic_matches_sub(topics.kiosk_events_filter(kiosk_id), topics.job(kiosk_id, job_id))
    if other_kiosk != kiosk_id:
        assert not topic_matches_sub(topics.kiosk_events_filter(kiosk_id), topics.events(other_kiosk, job_id))
    assert topic_matches_sub(topics.WORKER_STATUS_FILTER, topics.worker_status(job_id))
    assert not topic_matches_sub(topics.WORKER_STATUS_FILTER, topics.kiosk_status(kiosk_id))
    assert topics.kiosk_status(kiosk_id) == f"teachbooth/v1/kiosk/{kiosk_id}/status"


@settings(max_examples=100)
@given(ids, ids)
def test_cancel_topics_are_their_own_kind(kiosk_id, job_id):
    cancel_topic = topics.cancel(kiosk_id, job_id)
    assert cancel_topic == f"teachbooth/v1/kiosk/{kiosk_id}/cancel/{job_id}"
    assert topics.parse_cancel_topic(cancel_topic) == (kiosk_id, job_id)
    assert topics.parse_job_topic(cancel_topic) is None
    assert topic_matches_sub(topics.ALL_CANCELS_FILTER, cancel_topic)
    assert not topic_matches_sub(topics.ALL_JOBS_FILTER, cancel_topic)
    assert not topic_matches_sub(topics.ALL_CANCELS_FILTER, topics.job(kiosk_id, job_id))


def test_shared_jobs_filter():
    shared = topics.shared_jobs_filter("workers")
    assert shared.startswith("$share/workers/")
    assert shared == "$share/workers/" + topics.ALL_JOBS_FILTER
    assert topics.shared_jobs_filter(topics.DEFAULT_SHARED_GROUP).startswith("$share/teachbooth-workers/")


def test_every_topic_is_under_the_versioned_root():
    built = [
        topics.job("k", "j"),
        topics.events("k", "j"),
        topics.kiosk_events_filter("k"),
        topics.kiosk_status("k"),
        topics.worker_status("w"),
        topics.WORKER_STATUS_FILTER,
        topics.ALL_JOBS_FILTER,
    ]
    for topic in built:
        assert topic.startswith("teachbooth/v1/")


BAD_ID_PARTS = ["", "+", "#", "a+b", "a#", "x" * 65, "has space", "é", "id\n", "$SYS"]


@pytest.mark.parametrize("kind", sorted(PARSERS))
@pytest.mark.parametrize("bad", BAD_ID_PARTS)
def test_parsers_refuse_bad_ids(kind, bad):
    parse, build = PARSERS[kind], BUILDERS[kind]
    assert parse(build(bad, "job-1")) is None
    assert parse(build("kiosk-1", bad)) is None
    assert parse(build("kiosk-1", "job-1")) == ("kiosk-1", "job-1")


@pytest.mark.parametrize("kind", sorted(PARSERS))
def test_parsers_refuse_ids_with_slashes_and_wrong_shapes(kind):
    parse = PARSERS[kind]
    level = "jobs" if kind == "job" else kind
    good = f"teachbooth/v1/kiosk/k1/{level}/j1"
    assert parse(good) == ("k1", "j1")
    for bad in [
        f"teachbooth/v1/kiosk/k1/{level}/j1/extra",  # id with a slash: one level too many
        f"teachbooth/v1/kiosk/a/b/{level}/j1",
        f"teachbooth/v1/kiosk/k1/{level}",
        f"teachbooth/v1/kiosk/k1/{level}/",
        f"/teachbooth/v1/kiosk/k1/{level}/j1",
        f"teachbooth/v1/kiosk/k1/{level}/j1/",
        f"teachbooth/v2/kiosk/k1/{level}/j1",
        f"teachbooth/v1/worker/k1/{level}/j1",
        f"other/v1/kiosk/k1/{level}/j1",
        f"Teachbooth/v1/kiosk/k1/{level}/j1",
        "teachbooth/v1/kiosk/k1/status/j1",
        "teachbooth/v1/kiosk/k1/status",
        "",
        "/",
        good.replace("/", "//"),
        f"$share/g/teachbooth/v1/kiosk/k1/{level}/j1",
    ]:
        assert parse(bad) is None, bad


@settings(max_examples=300)
@given(st.text(max_size=80))
def test_parsers_accept_only_well_formed_topics(topic):
    for parse in PARSERS.values():
        result = parse(topic)
        if result is not None:
            kiosk_id, job_id = result
            assert topics.is_valid_id(kiosk_id) and topics.is_valid_id(job_id)
            assert topic in (topics.job(kiosk_id, job_id), topics.events(kiosk_id, job_id))


@settings(max_examples=300)
@given(st.text(max_size=70))
def test_is_valid_id_matches_the_model_pattern(value):
    expected = re.fullmatch(r"[A-Za-z0-9_-]{1,64}", value, flags=re.ASCII) is not None
    assert topics.is_valid_id(value) == expected


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("a", True),
        ("A-z_0-9", True),
        ("x" * 64, True),
        ("x" * 65, False),
        ("", False),
        ("a/b", False),
        ("+", False),
        ("#", False),
        ("a b", False),
        ("abc\n", False),
        ("١٢٣", False),  # Arabic-Indic digits are not [0-9]
        ("ａｂｃ", False),  # full-width letters
    ],
)
def test_is_valid_id(value, valid):
    assert topics.is_valid_id(value) is valid

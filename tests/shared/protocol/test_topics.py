"""Topic names: building, parsing back, and refusing anything that is not ours."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from paho.mqtt.client import topic_matches_sub

from shared.protocol import PROTOCOL_VERSION, topics
from tests.shared.protocol.strategies import ids

PARSERS = {
    "events": topics.parse_events_topic,
    "cancel": topics.parse_cancel_topic,
}
BUILDERS = {"events": topics.events, "cancel": topics.cancel}
BACKENDS = ("classic", "inpaint", "instruct", "img2img")


@settings(max_examples=200)
@given(ids, ids, st.sampled_from(BACKENDS))
def test_job_and_events_topics_round_trip(kiosk_id, job_id, backend):
    job_topic = topics.job(kiosk_id, backend, job_id)
    events_topic = topics.events(kiosk_id, job_id)
    assert job_topic == f"teachbooth/v2/kiosk/{kiosk_id}/jobs/{backend}/{job_id}"
    assert events_topic == f"teachbooth/v2/kiosk/{kiosk_id}/events/{job_id}"
    assert topics.parse_job_topic(job_topic) == (kiosk_id, backend, job_id)
    assert topics.parse_job_topic(job_topic).backend == backend
    assert topics.parse_events_topic(events_topic) == (kiosk_id, job_id)
    # Each parser knows only its own kind of topic.
    assert topics.parse_job_topic(events_topic) is None
    assert topics.parse_events_topic(job_topic) is None


@settings(max_examples=200)
@given(ids, ids, ids, st.sampled_from(BACKENDS))
def test_filters_match_their_topics(kiosk_id, other_kiosk, job_id, backend):
    job_topic = topics.job(kiosk_id, backend, job_id)
    assert topic_matches_sub(topics.ALL_JOBS_FILTER, job_topic)
    assert not topic_matches_sub(topics.ALL_JOBS_FILTER, topics.events(kiosk_id, job_id))
    assert topic_matches_sub(topics.kiosk_events_filter(kiosk_id), topics.events(kiosk_id, job_id))
    assert not topic_matches_sub(topics.kiosk_events_filter(kiosk_id), job_topic)
    if other_kiosk != kiosk_id:
        assert not topic_matches_sub(topics.kiosk_events_filter(kiosk_id), topics.events(other_kiosk, job_id))
    assert topic_matches_sub(topics.WORKER_STATUS_FILTER, topics.worker_status(job_id))
    assert not topic_matches_sub(topics.WORKER_STATUS_FILTER, topics.kiosk_status(kiosk_id))
    assert topics.kiosk_status(kiosk_id) == f"teachbooth/v2/kiosk/{kiosk_id}/status"


@settings(max_examples=200)
@given(ids, ids, st.sampled_from(BACKENDS), st.sampled_from(BACKENDS))
def test_a_backend_filter_matches_that_backend_s_jobs_only(kiosk_id, job_id, served, sent):
    """The routing itself: a worker's filter for the backend it serves never matches another's jobs."""
    matches = topic_matches_sub(topics.backend_jobs_filter(served), topics.job(kiosk_id, sent, job_id))
    assert matches is (served == sent)
    assert topic_matches_sub(topics.ALL_JOBS_FILTER, topics.backend_jobs_filter(served))


@settings(max_examples=100)
@given(ids, ids)
def test_cancel_topics_are_their_own_kind(kiosk_id, job_id):
    cancel_topic = topics.cancel(kiosk_id, job_id)
    assert cancel_topic == f"teachbooth/v2/kiosk/{kiosk_id}/cancel/{job_id}"
    assert topics.parse_cancel_topic(cancel_topic) == (kiosk_id, job_id)
    assert topics.parse_job_topic(cancel_topic) is None
    assert topic_matches_sub(topics.ALL_CANCELS_FILTER, cancel_topic)
    assert not topic_matches_sub(topics.ALL_JOBS_FILTER, cancel_topic)
    assert not topic_matches_sub(topics.ALL_CANCELS_FILTER, topics.job(kiosk_id, "classic", job_id))


def test_each_backend_has_its_own_shared_group():
    shared = topics.shared_backend_jobs_filter("workers", "inpaint")
    assert shared == "$share/workers-inpaint/teachbooth/v2/kiosk/+/jobs/inpaint/+"
    assert topics.shared_group(topics.DEFAULT_SHARED_GROUP, "instruct") == "teachbooth-instruct"
    groups = {topics.shared_backend_jobs_filter("g", backend).split("/")[1] for backend in BACKENDS}
    assert len(groups) == len(BACKENDS)


def test_every_topic_is_under_the_versioned_root():
    built = [
        topics.job("k", "classic", "j"),
        topics.cancel("k", "j"),
        topics.events("k", "j"),
        topics.kiosk_events_filter("k"),
        topics.kiosk_status("k"),
        topics.worker_status("w"),
        topics.WORKER_STATUS_FILTER,
        topics.ALL_JOBS_FILTER,
        topics.ALL_CANCELS_FILTER,
        topics.backend_jobs_filter("inpaint"),
    ]
    assert topics.ROOT == f"teachbooth/v{PROTOCOL_VERSION}" == "teachbooth/v2"
    for topic in built:
        assert topic.startswith("teachbooth/v2/")


BAD_ID_PARTS = ["", "+", "#", "a+b", "a#", "x" * 65, "has space", "é", "id\n", "$SYS"]


@pytest.mark.parametrize("kind", sorted(PARSERS))
@pytest.mark.parametrize("bad", BAD_ID_PARTS)
def test_parsers_refuse_bad_ids(kind, bad):
    parse, build = PARSERS[kind], BUILDERS[kind]
    assert parse(build(bad, "job-1")) is None
    assert parse(build("kiosk-1", bad)) is None
    assert parse(build("kiosk-1", "job-1")) == ("kiosk-1", "job-1")


@pytest.mark.parametrize("bad", BAD_ID_PARTS)
def test_job_parser_refuses_bad_ids_and_backends(bad):
    assert topics.parse_job_topic(topics.job(bad, "classic", "job-1")) is None
    assert topics.parse_job_topic(topics.job("kiosk-1", bad, "job-1")) is None
    assert topics.parse_job_topic(topics.job("kiosk-1", "classic", bad)) is None
    assert topics.parse_job_topic(topics.job("kiosk-1", "classic", "job-1")) == (
        "kiosk-1",
        "classic",
        "job-1",
    )


def wrong_shapes(good: str, level: str) -> list[str]:
    """Near misses of `good` (a topic under `teachbooth/v2/kiosk/k1/{level}/`): none may parse."""
    tail = good.removeprefix(f"teachbooth/v2/kiosk/k1/{level}/")
    return [
        f"{good}/extra",  # id with a slash: one level too many
        f"teachbooth/v2/kiosk/a/b/{level}/{tail}",
        f"teachbooth/v2/kiosk/k1/{level}",
        f"teachbooth/v2/kiosk/k1/{level}/",
        f"/{good}",
        f"{good}/",
        good.replace("teachbooth/v2/", "teachbooth/v1/"),  # the old wire version is not ours
        good.replace("teachbooth/v2/", "teachbooth/v3/"),
        good.replace("/kiosk/", "/worker/"),
        good.replace("teachbooth/", "other/"),
        good.replace("teachbooth/", "Teachbooth/"),
        "teachbooth/v2/kiosk/k1/status/j1",
        "teachbooth/v2/kiosk/k1/status",
        "",
        "/",
        good.replace("/", "//"),
        f"$share/g/{good}",
    ]


@pytest.mark.parametrize("kind", sorted(PARSERS))
def test_parsers_refuse_ids_with_slashes_and_wrong_shapes(kind):
    parse = PARSERS[kind]
    good = f"teachbooth/v2/kiosk/k1/{kind}/j1"
    assert parse(good) == ("k1", "j1")
    assert parse(f"teachbooth/v2/kiosk/k1/{kind}/classic/j1") is None, "a job topic's shape"
    for bad in wrong_shapes(good, kind):
        assert parse(bad) is None, bad


def test_job_parser_refuses_wrong_shapes():
    good = "teachbooth/v2/kiosk/k1/jobs/inpaint/j1"
    assert topics.parse_job_topic(good) == ("k1", "inpaint", "j1")
    assert topics.parse_job_topic("teachbooth/v2/kiosk/k1/jobs/j1") is None, "the v1 shape: no backend"
    for bad in wrong_shapes(good, "jobs"):
        assert topics.parse_job_topic(bad) is None, bad


@settings(max_examples=300)
@given(st.text(max_size=80))
def test_parsers_accept_only_well_formed_topics(topic):
    for parse in PARSERS.values():
        result = parse(topic)
        if result is not None:
            kiosk_id, job_id = result
            assert topics.is_valid_id(kiosk_id) and topics.is_valid_id(job_id)
            assert topic in (topics.cancel(kiosk_id, job_id), topics.events(kiosk_id, job_id))
    if (job := topics.parse_job_topic(topic)) is not None:
        assert all(topics.is_valid_id(level) for level in job)
        assert topic == topics.job(*job)


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

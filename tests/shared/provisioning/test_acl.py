"""The ACL text; what the broker makes of it is tested against a real mosquitto in tests/systemd/."""

from __future__ import annotations

from paho.mqtt.client import topic_matches_sub

from shared.protocol import topics
from shared.provisioning.acl import render_acl
from shared.provisioning.fleet import Fleet


def _blocks(text: str) -> dict[str, list[str]]:
    blocks: dict[str, list[str]] = {}
    user = None
    for line in text.splitlines():
        if line.startswith("user "):
            user = line.split(" ", 1)[1]
            blocks[user] = []
        elif line.startswith("topic "):
            assert user is not None, "a topic line before any user would apply to anonymous clients"
            blocks[user].append(line.split(" ", 1)[1])
        else:
            assert not line or line.startswith("#"), f"unexpected ACL line {line!r}"
    return blocks


def test_each_user_gets_its_own_block_and_nothing_applies_to_everyone():
    text = render_acl(Fleet("b", ("k1", "k2"), ("w1",)))
    assert "pattern" not in text
    assert list(_blocks(text)) == ["k1", "k2", "w1"]


def test_a_kiosk_writes_only_its_own_topics_and_reads_its_events_and_worker_statuses():
    rules = _blocks(render_acl(Fleet("b", ("k1", "k2"), ("w1",))))["k1"]
    assert rules == [
        "write teachbooth/v2/kiosk/k1/jobs/+/+",  # its own jobs, for any backend
        f"write {topics.cancel('k1', '+')}",
        f"write {topics.kiosk_status('k1')}",
        f"read {topics.kiosk_events_filter('k1')}",
        f"read {topics.WORKER_STATUS_FILTER}",
    ]
    assert not any("k2" in rule for rule in rules)


def test_a_worker_reads_every_job_and_cancel_also_as_a_shared_subscription_and_writes_events():
    rules = _blocks(render_acl(Fleet("b", ("k1",), ("w1", "w2"))))["w2"]
    assert f"read {topics.ALL_JOBS_FILTER}" in rules
    assert f"read $share/+/{topics.ALL_JOBS_FILTER}" in rules
    assert f"read {topics.ALL_CANCELS_FILTER}" in rules
    assert f"read $share/+/{topics.ALL_CANCELS_FILTER}" in rules
    assert f"write {topics.events('+', '+')}" in rules
    assert f"write {topics.worker_status('w2')}" in rules
    assert f"write {topics.worker_status('w1')}" not in rules
    assert not any(rule.startswith(("readwrite", "write")) and "/jobs/" in rule for rule in rules)


def test_a_worker_may_subscribe_to_any_backend_s_jobs_in_that_backend_s_group():
    """What `WorkerService` subscribes to is covered by the worker's read rules, in both forms."""
    reads = [rule.removeprefix("read ") for rule in _blocks(render_acl(Fleet("b", ("k1",), ("w1",))))["w1"]]
    for backend in ("classic", "inpaint", "instruct", "img2img"):
        plain = topics.backend_jobs_filter(backend)
        shared = topics.shared_backend_jobs_filter(topics.DEFAULT_SHARED_GROUP, backend)
        assert any(topic_matches_sub(rule, plain) for rule in reads), plain
        assert any(topic_matches_sub(rule, shared) for rule in reads), shared
        assert topic_matches_sub(topics.job("k1", "+", "+"), topics.job("k1", backend, "j")), "k1 writes it"

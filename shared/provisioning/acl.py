"""The broker ACL: each user name gets exactly the topics its role needs.

Rules are written per user rather than as ``pattern`` lines: a pattern applies
to every user, so a worker would also get a kiosk's rights on a kiosk subtree
named like it. Topic strings come from `shared.protocol.topics`, so the ACL
cannot drift from what the services publish and subscribe to.

mosquitto checks a subscription to ``$share/<group>/<filter>`` against the
whole string, and every delivery against the real topic, so workers get both
forms (any group name: the group prefix is a worker setting, and each backend
has a group of its own, docs/protocol.md). A job topic names its backend; a
kiosk may file its own jobs for any backend, and a worker may read every
backend's jobs: which backends a worker serves is its configuration, not the
broker's business.
"""

from __future__ import annotations

from collections.abc import Iterable

from shared.protocol import topics
from shared.provisioning.fleet import Fleet

Rule = tuple[str, str]
"""(access, topic filter) with access one of read, write, readwrite."""


def kiosk_rules(kiosk_id: str) -> list[Rule]:
    """Send and withdraw its own jobs, announce itself, read its own events and every worker's status."""
    return [
        ("write", topics.job(kiosk_id, "+", "+")),
        ("write", topics.cancel(kiosk_id, "+")),
        ("write", topics.kiosk_status(kiosk_id)),
        ("read", topics.kiosk_events_filter(kiosk_id)),
        ("read", topics.WORKER_STATUS_FILTER),
    ]


def worker_rules(worker_id: str) -> list[Rule]:
    """Read every kiosk's jobs and cancels (plain or shared), answer with events, announce itself."""
    rules: list[Rule] = []
    for topic_filter in (topics.ALL_JOBS_FILTER, topics.ALL_CANCELS_FILTER):
        rules += [("read", topic_filter), ("read", f"$share/+/{topic_filter}")]
    return [*rules, ("write", topics.events("+", "+")), ("write", topics.worker_status(worker_id))]


def render_acl(fleet: Fleet) -> str:
    blocks = [_block(kiosk, kiosk_rules(kiosk)) for kiosk in fleet.kiosks]
    blocks += [_block(worker, worker_rules(worker)) for worker in fleet.workers]
    header = (
        "# TeachBooth broker ACL, written by `teachbooth provision`; anything not listed is denied.\n"
        "# Regenerate it with the tool rather than editing by hand.\n"
    )
    return header + "\n".join(blocks)


def _block(user: str, rules: Iterable[Rule]) -> str:
    return f"user {user}\n" + "".join(f"topic {access} {topic_filter}\n" for access, topic_filter in rules)

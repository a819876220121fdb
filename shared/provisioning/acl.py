"""Who may touch which topic: one dynamic-security role per fleet member.

The broker's dynamic-security plugin denies by default, and it checks a
SUBSCRIBE itself (``subscribePattern``), so a subscription a role does not
grant is refused with a failing SUBACK rather than granted and filtered on
delivery, which is what mosquitto 2.0's acl_file does. That difference is the
point: a kiosk that joined the workers' shared group ``$share/teachbooth-B/...``
under an acl_file was handed its round-robin share of every kiosk's jobs and
dropped them; here the broker never lets it join.

Each role grants a topic filter twice, as ``subscribePattern`` (may subscribe
to it) and ``publishClientReceive`` (may be delivered messages on it): the
plugin checks both. The plugin's ACL topics hold no ``%u``/``%c``
substitutions (mosquitto 2.0), so every member gets a role of its own named
after it, ``kiosk-<id>``, ``worker-<id>``, ``station-<id>`` or ``reader-<id>``. Topic strings come from
`shared.protocol.topics`, so the roles cannot drift from what the services
publish and subscribe to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from shared.protocol import topics
from shared.provisioning.fleet import MemberKind

AclType = Literal["publishClientSend", "publishClientReceive", "subscribePattern"]


@dataclass(frozen=True)
class Acl:
    """One allow rule, in the plugin's terms; everything no rule allows is denied."""

    acltype: AclType
    topic: str


@dataclass(frozen=True)
class Role:
    name: str
    acls: tuple[Acl, ...]


def kiosk_role(kiosk_id: str) -> Role:
    """Send and withdraw its own jobs, announce itself, read its own events and every worker's status."""
    return Role(
        kiosk_role_name(kiosk_id),
        (
            *_writes(
                topics.job(kiosk_id, "+", "+"), topics.cancel(kiosk_id, "+"), topics.kiosk_status(kiosk_id)
            ),
            *_reads(topics.kiosk_events_filter(kiosk_id), topics.WORKER_STATUS_FILTER),
        ),
    )


def worker_role(worker_id: str) -> Role:
    """Read every kiosk's jobs (plain or in a shared group) and cancels, answer with events, announce itself.

    The group part of ``$share/<group>/...`` is any single level: the prefix is
    a worker setting and each backend has a group of its own (docs/protocol.md).
    Which backends a worker serves is its configuration, not the broker's
    business, so it may read every backend's jobs.

    A worker may also publish on job and cancel topics, only ever to delete a
    copy a kiosk wrongly retained (an empty retained message,
    `gpu_worker.service`): the plugin cannot grant "empty messages only", and
    a worker already sees every job.
    """
    return Role(
        worker_role_name(worker_id),
        (
            Acl("subscribePattern", f"$share/+/{topics.ALL_JOBS_FILTER}"),
            *_reads(topics.ALL_JOBS_FILTER, topics.ALL_CANCELS_FILTER),
            *_writes(topics.events("+", "+"), topics.worker_status(worker_id)),
            *_writes(topics.ALL_JOBS_FILTER, topics.ALL_CANCELS_FILTER),
        ),
    )


def station_role(station_id: str) -> Role:
    """Publish its own verdicts and its retained status (with its Last Will); read nothing.

    A station talks to PLCs and dashboards, never to kiosks or workers, so it
    may neither read their topics nor pose as another station.
    """
    return Role(
        f"station-{station_id}",
        _writes(topics.station_verdicts(station_id), topics.station_status(station_id)),
    )


def reader_role(reader_id: str) -> Role:
    """Read every station's verdicts and status; publish nothing.

    A reader is what acts on the verdicts (a PLC gateway diverting bad parts,
    a line dashboard), so it needs all of them, from every station, and the
    retained status that tells a quiet line from a station that is gone. It may
    publish nothing, so it can neither forge a verdict that another reader acts
    on nor touch the kiosks' and workers' traffic, and it reads none of that
    traffic either: jobs carry camera images.
    """
    return Role(f"reader-{reader_id}", _reads(topics.STATION_VERDICTS_FILTER, topics.STATION_STATUS_FILTER))


def member_role(kind: MemberKind, member_id: str) -> Role:
    """The role of a fleet member of `kind`."""
    roles = {"kiosk": kiosk_role, "worker": worker_role, "station": station_role, "reader": reader_role}
    return roles[kind](member_id)


def kiosk_role_name(kiosk_id: str) -> str:
    return f"kiosk-{kiosk_id}"


def worker_role_name(worker_id: str) -> str:
    return f"worker-{worker_id}"


def _reads(*topic_filters: str) -> tuple[Acl, ...]:
    return tuple(
        Acl(acltype, topic_filter)
        for topic_filter in topic_filters
        for acltype in ("subscribePattern", "publishClientReceive")
    )


def _writes(*topic_names: str) -> tuple[Acl, ...]:
    return tuple(Acl("publishClientSend", topic) for topic in topic_names)

"""MQTT topic names, all under ``teachbooth/v2/`` (the wire version, `PROTOCOL_VERSION`).

Every topic that carries a kiosk's data has the kiosk id in it so that the
broker's ACL (``%u``/``%c`` patterns) can give each kiosk its own subtree, and
the job id is in the job and event topics so that a failure can be routed back
to the right job even when the payload cannot be parsed.

A job topic also names the backend that must run the job, and each backend
has a shared subscription group of its own: the broker hands a job only to a
worker that serves its backend (capability routing with nothing but topic
filters, docs/protocol.md). v2 added that level; v1 job topics had none.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from shared.protocol.messages import PROTOCOL_VERSION

ROOT = f"teachbooth/v{PROTOCOL_VERSION}"
DEFAULT_SHARED_GROUP = "teachbooth"
"""Prefix of the workers' shared subscription groups, one group per backend: `teachbooth-inpaint`, ..."""

_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def is_valid_id(value: str) -> bool:
    """Ids become topic levels, so MQTT wildcards, slashes and empties are out."""
    return _ID.fullmatch(value) is not None


def job(kiosk_id: str, backend: str, job_id: str) -> str:
    """Where a kiosk sends a job for `backend`; only workers serving that backend subscribe to it."""
    return f"{ROOT}/kiosk/{kiosk_id}/jobs/{backend}/{job_id}"


def cancel(kiosk_id: str, job_id: str) -> str:
    """Where a kiosk withdraws a job. Every worker reads it (not shared): only the holder knows it has it."""
    return f"{ROOT}/kiosk/{kiosk_id}/cancel/{job_id}"


def events(kiosk_id: str, job_id: str) -> str:
    return f"{ROOT}/kiosk/{kiosk_id}/events/{job_id}"


def kiosk_events_filter(kiosk_id: str) -> str:
    return f"{ROOT}/kiosk/{kiosk_id}/events/+"


def kiosk_status(kiosk_id: str) -> str:
    return f"{ROOT}/kiosk/{kiosk_id}/status"


def worker_status(worker_id: str) -> str:
    return f"{ROOT}/worker/{worker_id}/status"


def station_verdicts(station_id: str) -> str:
    """Where an inspection station publishes one verdict per part (not retained): what a PLC reads."""
    return f"{ROOT}/station/{station_id}/verdicts"


def station_status(station_id: str) -> str:
    return f"{ROOT}/station/{station_id}/status"


WORKER_STATUS_FILTER = f"{ROOT}/worker/+/status"
ALL_JOBS_FILTER = job("+", "+", "+")
"""Every kiosk's jobs for every backend: what the ACL lets a worker read, never what one subscribes to."""
ALL_CANCELS_FILTER = f"{ROOT}/kiosk/+/cancel/+"
STATION_VERDICTS_FILTER = station_verdicts("+")
"""Every station's verdicts: what a reader (a PLC gateway, a line dashboard) subscribes to."""
STATION_STATUS_FILTER = station_status("+")
"""Every station's retained status, so a reader can tell a quiet line from a station that is gone."""


def backend_jobs_filter(backend: str) -> str:
    """Every kiosk's jobs for one backend: a worker subscribes to this once per backend it serves."""
    return job("+", backend, "+")


def shared_group(prefix: str, backend: str) -> str:
    """The shared subscription group of `backend`'s workers: each job goes to one worker that serves it."""
    return f"{prefix}-{backend}"


def shared_backend_jobs_filter(prefix: str, backend: str) -> str:
    """`backend_jobs_filter` as an MQTT 5 shared subscription in that backend's own group."""
    return f"$share/{shared_group(prefix, backend)}/{backend_jobs_filter(backend)}"


class JobTopic(NamedTuple):
    kiosk_id: str
    backend: str
    job_id: str


def parse_job_topic(topic: str) -> JobTopic | None:
    """Return (kiosk_id, backend, job_id) for a jobs topic, None for anything else."""
    parts = topic.split("/")
    if len(parts) != 7 or "/".join(parts[:3]) != f"{ROOT}/kiosk" or parts[4] != "jobs":
        return None
    found = JobTopic(kiosk_id=parts[3], backend=parts[5], job_id=parts[6])
    return found if all(is_valid_id(level) for level in found) else None


def parse_cancel_topic(topic: str) -> tuple[str, str] | None:
    """Return (kiosk_id, job_id) for a cancel topic, None for anything else."""
    return _parse_kiosk_topic(topic, "cancel")


def parse_events_topic(topic: str) -> tuple[str, str] | None:
    """Return (kiosk_id, job_id) for an events topic, None for anything else."""
    return _parse_kiosk_topic(topic, "events")


def _parse_kiosk_topic(topic: str, kind: str) -> tuple[str, str] | None:
    parts = topic.split("/")
    if len(parts) != 6 or "/".join(parts[:3]) != f"{ROOT}/kiosk" or parts[4] != kind:
        return None
    kiosk_id, job_id = parts[3], parts[5]
    if not (is_valid_id(kiosk_id) and is_valid_id(job_id)):
        return None
    return kiosk_id, job_id

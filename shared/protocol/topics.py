"""MQTT topic names, all under ``teachbooth/v1/``.

Every topic that carries a kiosk's data has the kiosk id in it so that the
broker's ACL (``%u``/``%c`` patterns) can give each kiosk its own subtree, and
the job id is in the job and event topics so that a failure can be routed back
to the right job even when the payload cannot be parsed.
"""

from __future__ import annotations

import re

ROOT = "teachbooth/v1"
DEFAULT_SHARED_GROUP = "teachbooth-workers"

_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def is_valid_id(value: str) -> bool:
    """Ids become topic levels, so MQTT wildcards, slashes and empties are out."""
    return _ID.fullmatch(value) is not None


def job(kiosk_id: str, job_id: str) -> str:
    return f"{ROOT}/kiosk/{kiosk_id}/jobs/{job_id}"


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


WORKER_STATUS_FILTER = f"{ROOT}/worker/+/status"
ALL_JOBS_FILTER = f"{ROOT}/kiosk/+/jobs/+"
ALL_CANCELS_FILTER = f"{ROOT}/kiosk/+/cancel/+"


def shared_jobs_filter(group: str) -> str:
    """The jobs filter as an MQTT 5 shared subscription: each job goes to one worker."""
    return f"$share/{group}/{ALL_JOBS_FILTER}"


def parse_job_topic(topic: str) -> tuple[str, str] | None:
    """Return (kiosk_id, job_id) for a jobs topic, None for anything else."""
    return _parse_kiosk_topic(topic, "jobs")


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

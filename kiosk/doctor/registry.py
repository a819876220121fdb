"""The checks `teachbooth doctor` runs, by name, in the order they print."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from kiosk.doctor.broker import check_broker, check_worker
from kiosk.doctor.camera import check_camera, check_display
from kiosk.doctor.finding import Finding, fail
from kiosk.doctor.machine import check_disk, check_thermal
from kiosk.doctor.models import check_mediapipe, check_tflite
from kiosk.doctor.settings import DoctorSettings

log = logging.getLogger(__name__)

Check = Callable[[DoctorSettings], Finding]
CHECKS: dict[str, Check] = {
    "camera": check_camera,
    "display": check_display,
    "tflite": check_tflite,
    "mediapipe": check_mediapipe,
    "broker": check_broker,
    "worker": check_worker,
    "disk": check_disk,
    "thermal": check_thermal,
}


def run_checks(settings: DoctorSettings, names: Iterable[str] | None = None) -> list[Finding]:
    """Run the named checks (all by default); a check that crashes becomes a failure, never an exit."""
    findings = []
    for name in names or CHECKS:
        try:
            findings.append(CHECKS[name](settings))
        except Exception as exc:
            log.exception("check %s crashed", name)
            findings.append(
                fail(name, f"the check itself failed: {exc!r}", "report this as a TeachBooth bug")
            )
    return findings

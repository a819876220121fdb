"""The camera check reads one real frame (replay source: the camera's edge); the display check its size."""

from __future__ import annotations

from kiosk.doctor.camera import check_camera, check_display
from kiosk.doctor.finding import Status
from kiosk.doctor.settings import DoctorSettings

SAMPLES = "kiosk/samples"


def test_a_camera_that_gives_a_frame_passes():
    found = check_camera(DoctorSettings(camera=f"replay:{SAMPLES}"))
    assert found.status is Status.OK and "640x480 frame" in found.message


def test_a_missing_camera_fails_and_says_what_to_check(tmp_path):
    found = check_camera(DoctorSettings(camera=f"replay:{tmp_path / 'nothing-here'}"))
    assert found.status is Status.FAIL and "nothing-here" in found.message
    assert "existing folder" in found.fix


def test_a_malformed_camera_spec_fails():
    found = check_camera(DoctorSettings(camera="webcam-please"))
    assert found.status is Status.FAIL and "bad camera spec" in found.message


def test_the_display_needs_80_by_24():
    settings = DoctorSettings()
    assert check_display(settings, size=(80, 24)).status is Status.OK
    small = check_display(settings, size=(79, 30))
    assert small.status is Status.FAIL and "79x30" in small.message and "font" in small.fix
    assert check_display(settings, size=(120, 23)).status is Status.FAIL

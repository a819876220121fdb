"""The model checks load the real TFLite runtime, backbone and MediaPipe models."""

from __future__ import annotations

import sys

from kiosk.doctor.finding import Status
from kiosk.doctor.models import check_mediapipe, check_tflite
from kiosk.doctor.settings import DoctorSettings


def test_the_shipped_backbone_loads_and_embeds():
    found = check_tflite(DoctorSettings())
    assert found.status is Status.OK and "1280-d features" in found.message


def test_a_missing_backbone_fails_with_its_path(tmp_path):
    found = check_tflite(DoctorSettings(backbone=tmp_path / "gone.tflite"))
    assert found.status is Status.FAIL and "gone.tflite" in found.message and "reinstall" in found.fix


def test_a_file_that_is_not_a_model_fails(tmp_path):
    junk = tmp_path / "junk.tflite"
    junk.write_bytes(b"not a flatbuffer" * 64)
    found = check_tflite(DoctorSettings(backbone=junk))
    assert found.status is Status.FAIL and "junk.tflite" in found.message


def test_mediapipe_models_load_and_run():
    assert check_mediapipe(DoctorSettings()).status is Status.OK


def test_mediapipe_missing_fails_with_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "mediapipe", None)  # `import mediapipe` raises ImportError
    found = check_mediapipe(DoctorSettings())
    assert found.status is Status.FAIL and "not installed" in found.message
    assert "teachbooth[kiosk]" in found.fix

"""The on-device models: the TFLite runtime with the backbone, and MediaPipe's two masking models."""

from __future__ import annotations

import time

import numpy as np

from kiosk.doctor.finding import Finding, fail, ok
from kiosk.doctor.settings import DoctorSettings
from kiosk.features.backbone import DEFAULT_MODEL, Backbone
from kiosk.features.runtime import INSTALL_HINT, RuntimeMissing, interpreter_class
from kiosk.masking.mediapipe_models import HandTracker, PersonSegmenter

REINSTALL = "reinstall the kiosk: pip install 'teachbooth[kiosk]' (the backbone ships in kiosk/models)"
MEDIAPIPE_FIX = (
    "pip install 'teachbooth[kiosk]' (mediapipe 0.10.18 has wheels for x86-64 and aarch64 on Python 3.11)"
)


def check_tflite(settings: DoctorSettings) -> Finding:
    """Load the backbone with whichever TFLite runtime is installed and embed one frame."""
    path = settings.backbone or DEFAULT_MODEL
    try:
        _cls, runtime = interpreter_class()
        backbone = Backbone(path)
        started = time.perf_counter()
        backbone.embed_one(np.zeros((480, 640, 3), dtype=np.uint8))
    except RuntimeMissing as exc:
        return fail("tflite", str(exc).split(";")[0], INSTALL_HINT)
    except (OSError, ValueError) as exc:
        return fail("tflite", f"cannot load the backbone: {exc}", REINSTALL)
    took = 1000 * (time.perf_counter() - started)
    return ok(
        "tflite",
        f"{runtime.split('.')[0]} runs {path.name}: {backbone.feature_dim}-d features, {took:.0f} ms a frame",
    )


def check_mediapipe(settings: DoctorSettings) -> Finding:
    """Build the person segmenter and the hand tracker (models inside the wheel) and run each once."""
    del settings  # nothing to configure: the models come with the wheel
    try:
        frame = np.zeros((480, 640, 3), dtype=np.uint8)
        started = time.perf_counter()
        for model_class in (PersonSegmenter, HandTracker):
            model = model_class()
            try:
                model(frame)
            finally:
                model.close()
    except ImportError as exc:
        return fail("mediapipe", f"MediaPipe is not installed: {exc}", MEDIAPIPE_FIX)
    except (RuntimeError, OSError, ValueError) as exc:
        return fail("mediapipe", f"MediaPipe cannot run its models: {exc}", MEDIAPIPE_FIX)
    took = 1000 * (time.perf_counter() - started)
    return ok("mediapipe", f"selfie segmentation and hand landmarks load and run ({took:.0f} ms)")

"""Camera sources for the kiosk: the Pi camera, a USB webcam, and a replay of images or a video.

    from kiosk.camera import open_camera

    with open_camera("replay:demo-frames?fps=15") as camera:   # or "opencv:0", "picamera2"
        for frame in camera.frames():      # Frame(image=HxWx3 uint8 RGB, timestamp, seq)
            ...
        still = camera.capture()           # PIL RGB: the Pi camera's main stream, else the frame

Importing this package imports neither OpenCV nor Picamera2; each source imports what it needs
when it is opened, so the CLI starts fast and the package imports on any machine.
"""

from kiosk.camera.base import DEFAULT_FPS, DEFAULT_SIZE, Camera, CameraError, EndOfStream, Frame
from kiosk.camera.factory import make_camera, open_camera
from kiosk.camera.spec import VALID_FORMS, CameraSpec, parse_spec

__all__ = [
    "DEFAULT_FPS",
    "DEFAULT_SIZE",
    "VALID_FORMS",
    "Camera",
    "CameraError",
    "CameraSpec",
    "EndOfStream",
    "Frame",
    "make_camera",
    "open_camera",
    "parse_spec",
]

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.camera import VALID_FORMS, CameraSpec, make_camera, parse_spec
from kiosk.camera.opencv import OpenCVCamera
from kiosk.camera.picam import Picamera2Camera
from kiosk.camera.replay import ReplayCamera


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("replay:/data/frames", CameraSpec("replay", "/data/frames")),
        ("replay:frames?fps=15", CameraSpec("replay", "frames", fps=15.0)),
        ("replay:clip.mp4?fps=0&loop=0", CameraSpec("replay", "clip.mp4", fps=0.0, loop=False)),
        ("replay:a/b?fps=7.5&size=320x240", CameraSpec("replay", "a/b", fps=7.5, size=(320, 240))),
        ("replay:what?.png", CameraSpec("replay", "what?.png")),  # a `?` not followed by options
        ("replay:odd?fps=1?", CameraSpec("replay", "odd?fps=1")),  # a trailing `?`: no options
        ("replay:odd?fps=1?fps=2", CameraSpec("replay", "odd?fps=1", fps=2.0)),
        ("replay:frames?", CameraSpec("replay", "frames")),
        ("replay:C:/x:y", CameraSpec("replay", "C:/x:y")),
        ("REPLAY:x?loop=true", CameraSpec("replay", "x")),
        ("opencv:0", CameraSpec("opencv", "0")),
        ("opencv:2?fps=30", CameraSpec("opencv", "2", fps=30.0)),
        ("opencv", CameraSpec("opencv", "0")),
        ("opencv?size=1280x720", CameraSpec("opencv", "0", size=(1280, 720))),
        (
            "opencv:/dev/v4l/by-id/usb-cam-video-index0",
            CameraSpec("opencv", "/dev/v4l/by-id/usb-cam-video-index0"),
        ),
        ("picamera2", CameraSpec("picamera2", "0")),
        ("picamera2:1", CameraSpec("picamera2", "1")),
        ("picamera2?main=2028x1520&fps=15", CameraSpec("picamera2", "0", fps=15.0, main_size=(2028, 1520))),
        ("  picamera2  ", CameraSpec("picamera2", "0")),
    ],
)
def test_valid_specs(text: str, expected: CameraSpec) -> None:
    assert parse_spec(text) == expected


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "empty"),
        ("webcam:0", "unknown camera kind 'webcam'"),
        ("/dev/video0", "unknown camera kind"),
        ("replay:", "needs a path"),
        ("replay:?fps=3", "needs a path"),
        ("opencv:front", "neither a device number"),
        ("picamera2:a", "not a camera number"),
        ("replay:x?fps=-1", "fps='-1'"),
        ("replay:x?fps=fast", "fps='fast'"),
        ("replay:x?fps=nan", "fps='nan'"),
        ("replay:x?loop=maybe", "loop='maybe'"),
        ("replay:x?size=640", "size='640'"),
        ("replay:x?size=0x480", "size='0x480'"),
        ("replay:x?main=640x480", "not 'main'"),
        ("opencv:0?loop=0", "not 'loop'"),
        ("replay:x?fps=1&fps=2", "given twice"),
        ("picamera2?main=1x1&main=2x2", "given twice"),
    ],
)
def test_invalid_specs_say_why_and_list_the_valid_forms(text: str, why: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_spec(text)
    message = str(caught.value)
    assert why in message
    assert VALID_FORMS in message
    assert "replay:PATH" in message and "opencv" in message and "picamera2" in message


def test_make_camera_builds_without_opening_and_spec_options_beat_arguments(tmp_path) -> None:
    replay = make_camera(f"replay:{tmp_path}?fps=5&size=320x240", size=(640, 480), fps=30)
    assert isinstance(replay, ReplayCamera) and not replay.is_open
    assert replay.size == (320, 240) and replay.fps == 5.0 and replay.loop
    assert make_camera(f"replay:{tmp_path}", size=(160, 120), fps=0).size == (160, 120)
    assert make_camera(f"replay:{tmp_path}", fps=0).fps == 0.0

    webcam = make_camera("opencv:3", fps=25)
    assert isinstance(webcam, OpenCVCamera) and webcam.device == 3 and webcam.fps == 25.0
    assert make_camera("opencv:/dev/video4").device == "/dev/video4"

    pi = make_camera("picamera2:1?main=2028x1520")
    assert isinstance(pi, Picamera2Camera) and pi.camera_num == 1 and pi.main_size == (2028, 1520)
    assert make_camera("picamera2").main_size == (1280, 960)
    assert not pi.is_open


def test_bad_arguments_are_value_errors(tmp_path) -> None:
    with pytest.raises(ValueError, match="frame size"):
        make_camera(f"replay:{tmp_path}", size=(0, 480))
    with pytest.raises(ValueError, match="fps"):
        make_camera(f"replay:{tmp_path}", fps=-1)
    with pytest.raises(ValueError, match="even"):
        make_camera("picamera2", size=(641, 480))
    with pytest.raises(ValueError, match="at least the frame size"):
        make_camera("picamera2?main=320x240")


sizes = st.tuples(st.integers(1, 8192), st.integers(1, 8192))
specs = st.one_of(
    st.builds(
        CameraSpec,
        kind=st.just("replay"),
        target=st.lists(
            st.text(st.characters(codec="utf-8", exclude_characters="\x00"))
            | st.sampled_from(["?", "?fps=1", "?loop=0&size=2x2", "&", "=", ":"]),
            min_size=1,
        )
        .map("".join)
        .filter(lambda s: s.strip() == s and s.strip()),
        fps=st.none() | st.integers(0, 1000).map(float),
        size=st.none() | sizes,
        loop=st.booleans(),
    ),
    st.builds(
        CameraSpec,
        kind=st.just("opencv"),
        target=st.integers(0, 63).map(str) | st.just("/dev/video0"),
        fps=st.none() | st.floats(0, 1000).map(lambda f: float(f"{f:g}")),
        size=st.none() | sizes,
    ),
    st.builds(
        CameraSpec,
        kind=st.just("picamera2"),
        target=st.integers(0, 3).map(str),
        fps=st.none() | st.integers(0, 120).map(float),
        size=st.none() | sizes,
        main_size=st.none() | sizes,
    ),
)


@given(specs)
def test_a_spec_written_out_parses_back_to_itself(spec: CameraSpec) -> None:
    assert parse_spec(str(spec)) == spec

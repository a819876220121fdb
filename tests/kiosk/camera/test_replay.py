from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from kiosk.camera import CameraError, EndOfStream, Frame, make_camera, open_camera
from kiosk.camera.replay import ReplayCamera, list_images
from tests.kiosk.camera.conftest import FOLDER_IMAGES, FakeClock, centre, close_to, write_image, write_video

EXPECTED = [expected for *_, expected in FOLDER_IMAGES]


def colours(frames: list[Frame]) -> list[tuple[int, int, int]]:
    return [centre(f.image) for f in frames]


def matches(actual: list[tuple[int, int, int]], expected: list[tuple[int, int, int]]) -> bool:
    return len(actual) == len(expected) and all(close_to(a, e) for a, e in zip(actual, expected, strict=True))


# -- folders --------------------------------------------------------------------------------------


def test_folder_lists_images_in_natural_order_ignoring_other_files(image_folder: Path) -> None:
    assert [p.name for p in list_images(image_folder)] == [name for name, *_ in FOLDER_IMAGES]


def test_folder_frames_are_rgb_uint8_at_the_frame_size_in_order(image_folder: Path) -> None:
    with open_camera(f"replay:{image_folder}", fps=0) as camera:
        frames = [camera.read() for _ in FOLDER_IMAGES]
    for frame in frames:
        assert frame.image.shape == (480, 640, 3)
        assert frame.image.dtype == np.uint8
        assert frame.image.flags.c_contiguous
        assert frame.size == (640, 480)
    assert matches(colours(frames), EXPECTED), colours(frames)


def test_letterboxing_keeps_the_aspect_ratio(image_folder: Path) -> None:
    with open_camera(f"replay:{image_folder}", fps=0) as camera:
        red, grey, _, blue = (camera.read().image for _ in range(4))
    assert (red == red[240, 320]).all()  # 800x600 is 4:3 like the frame: no bars
    # 100x300 becomes 160x480, centred: columns 0..239 and 400..639 are black bars
    assert grey[:, :238].max() == 0 and grey[:, 402:].max() == 0
    assert (grey[:, 242:398] == 128).all()
    # 1920x1080 (16:9) becomes 640x360: 60-pixel bars at top and bottom
    assert blue[:58].max() == 0 and blue[422:].max() == 0
    assert close_to(tuple(int(v) for v in blue[62, 320]), (20, 20, 220))


def test_folder_loops_and_sequence_numbers_keep_counting(image_folder: Path) -> None:
    n = len(FOLDER_IMAGES)
    with open_camera(f"replay:{image_folder}", fps=0) as camera:
        frames = [camera.read() for _ in range(2 * n + 2)]
    assert [f.seq for f in frames] == list(range(2 * n + 2))
    assert matches(colours(frames), EXPECTED + EXPECTED + EXPECTED[:2])


def test_frames_are_read_only_and_cached_frames_are_not_corrupted(image_folder: Path) -> None:
    with open_camera(f"replay:{image_folder}", fps=0) as camera:
        first = camera.read()
        with pytest.raises(ValueError):
            first.image[0, 0] = 1
        for _ in FOLDER_IMAGES[1:]:
            camera.read()
        again = camera.read()
    assert again.seq == len(FOLDER_IMAGES)
    assert np.array_equal(first.image, again.image)


def test_without_a_cache_every_frame_is_decoded_again(image_folder: Path) -> None:
    camera = ReplayCamera(image_folder, fps=0, cache_bytes=0)
    with camera:
        frames = [camera.read() for _ in range(2 * len(FOLDER_IMAGES))]
    assert matches(colours(frames), EXPECTED + EXPECTED)


def test_loop_off_ends_after_one_pass(image_folder: Path) -> None:
    with open_camera(f"replay:{image_folder}?loop=0", fps=0) as camera:
        frames = list(camera.frames())
        assert [f.seq for f in frames] == list(range(len(FOLDER_IMAGES)))
        with pytest.raises(EndOfStream):
            camera.read()
    assert matches(colours(frames), EXPECTED)


def test_a_corrupt_file_is_skipped_with_one_warning(image_folder: Path, caplog) -> None:
    (image_folder / "img2.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(200))  # garbage after the magic
    truncated = (image_folder / "img10.jpg").read_bytes()
    (image_folder / "img10.jpg").write_bytes(truncated[: len(truncated) // 3])
    (image_folder / "img5.jpg").write_bytes(b"")  # empty
    caplog.set_level(logging.WARNING, logger="kiosk.camera.replay")
    with open_camera(f"replay:{image_folder}", fps=0) as camera:
        frames = [camera.read() for _ in range(9)]
    good = [EXPECTED[0], EXPECTED[2], EXPECTED[4]]
    assert matches(colours(frames), good * 3), colours(frames)
    skipped = sorted(r.getMessage().split()[2].rstrip(",") for r in caplog.records)
    assert [Path(s).name for s in skipped] == ["img10.jpg", "img2.png", "img5.jpg"]  # each warned once


def test_empty_folder_is_an_error_at_open_not_at_make(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "readme.txt").write_text("no images here")
    camera = make_camera(f"replay:{tmp_path / 'empty'}")
    assert not camera.is_open
    with pytest.raises(CameraError, match="no images"):
        camera.open()
    assert not camera.is_open


def test_missing_path_is_an_error_at_open(tmp_path: Path) -> None:
    with pytest.raises(CameraError, match="does not exist"):
        open_camera(f"replay:{tmp_path / 'nowhere'}")


def test_folder_of_only_unreadable_images_is_an_error_at_open(tmp_path: Path, caplog) -> None:
    (tmp_path / "a.jpg").write_bytes(b"not a jpeg")
    (tmp_path / "b.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(CameraError, match="none of the images"):
        open_camera(f"replay:{tmp_path}")
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 2


def test_a_single_image_file_replays_as_a_one_frame_loop(tmp_path: Path) -> None:
    write_image(tmp_path / "one.png", "RGB", (64, 48), (10, 100, 200))
    with open_camera(f"replay:{tmp_path / 'one.png'}", fps=0, size=(320, 240)) as camera:
        frames = [camera.read() for _ in range(3)]
    assert all(f.image.shape == (240, 320, 3) for f in frames)
    assert matches(colours(frames), [(10, 100, 200)] * 3)


def test_modes_sixteen_bit_grey_and_transparency(tmp_path: Path) -> None:
    Image.fromarray(np.full((48, 64), 65535, np.uint16)).save(tmp_path / "a16.png")
    rgba = Image.new("RGBA", (64, 48), (200, 100, 50, 0))  # fully transparent: composited on black
    rgba.paste((200, 100, 50, 255), (16, 12, 48, 36))
    rgba.save(tmp_path / "b_alpha.png")
    Image.new("LA", (64, 48), (90, 255)).save(tmp_path / "c_la.png")
    Image.new("CMYK", (64, 48), (0, 255, 255, 0)).save(tmp_path / "d_cmyk.jpg")
    with open_camera(f"replay:{tmp_path}", fps=0, size=(64, 48)) as camera:
        white, alpha, grey, red = (camera.read().image for _ in range(4))
    assert (white == 255).all()
    assert alpha[0, 0].tolist() == [0, 0, 0] and alpha[24, 32].tolist() == [200, 100, 50]
    assert (grey == 90).all()
    assert close_to(centre(red), (255, 0, 0), tolerance=30)


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # stored landscape, shown rotated 90 degrees: portrait
    Image.new("RGB", (400, 200), (250, 250, 250)).save(tmp_path / "phone.jpg", exif=exif)
    with open_camera(f"replay:{tmp_path}", fps=0) as camera:
        image = camera.read().image
    # portrait 200x400 fits as 240x480: bars left and right, none above
    assert image[:, :190].max() == 0 and image[:, 450:].max() == 0
    assert image[0, 320].min() > 200


def test_capture_returns_the_current_frame_as_a_pil_image(image_folder: Path) -> None:
    with open_camera(f"replay:{image_folder}", fps=0) as camera:
        first = camera.capture()  # nothing read yet: reads one
        assert camera.last_frame is not None and camera.last_frame.seq == 0
        second = camera.read()
        still = camera.capture()
    assert isinstance(still, Image.Image) and still.mode == "RGB" and still.size == (640, 480)
    assert close_to(first.getpixel((320, 240)), EXPECTED[0])
    assert np.array_equal(np.asarray(still), second.image)


def test_reading_a_closed_camera_is_an_error_and_reopening_restarts(image_folder: Path) -> None:
    camera = make_camera(f"replay:{image_folder}", fps=0)
    with pytest.raises(CameraError, match="not open"):
        camera.read()
    with camera:
        assert camera.read().seq == 0
        assert camera.read().seq == 1
    assert not camera.is_open
    with pytest.raises(CameraError, match="not open"):
        camera.read()
    with camera:
        frame = camera.read()
    assert frame.seq == 0 and close_to(centre(frame.image), EXPECTED[0])


# -- videos ---------------------------------------------------------------------------------------

VIDEO_COLOURS = [(230, 30, 30), (30, 230, 30), (30, 30, 230), (230, 230, 30), (230, 30, 230), (30, 230, 230)]


@pytest.fixture
def video(tmp_path: Path) -> Path:
    path = tmp_path / "clip.avi"
    write_video(path, VIDEO_COLOURS, (320, 180), fps=12.0)
    return path


def test_video_frames_loop_with_every_frame_in_order(video: Path) -> None:
    n = len(VIDEO_COLOURS)
    with open_camera(f"replay:{video}", fps=0) as camera:
        frames = [camera.read() for _ in range(2 * n + 3)]
    assert [f.seq for f in frames] == list(range(2 * n + 3))
    assert all(f.image.shape == (480, 640, 3) and f.image.dtype == np.uint8 for f in frames)
    assert matches(colours(frames), VIDEO_COLOURS * 2 + VIDEO_COLOURS[:3]), colours(frames)
    first = frames[0].image  # 320x180 is 16:9: bars top and bottom
    assert first[:55].max() == 0 and first[426:].max() == 0


def test_video_without_loop_has_its_frame_count(video: Path) -> None:
    with open_camera(f"replay:{video}?loop=0", fps=0) as camera:
        frames = list(camera.frames())
    assert len(frames) == len(VIDEO_COLOURS)


def test_video_plays_at_its_own_rate_unless_told(video: Path) -> None:
    camera = make_camera(f"replay:{video}")
    with camera:
        assert camera.fps == pytest.approx(12.0)
    with make_camera(f"replay:{video}?fps=5") as camera:
        assert camera.fps == 5.0


def test_a_file_that_is_not_a_video_is_an_error_at_open(tmp_path: Path) -> None:
    (tmp_path / "junk.mp4").write_bytes(os.urandom(4096))
    with pytest.raises(CameraError, match=r"junk\.mp4"):
        open_camera(f"replay:{tmp_path / 'junk.mp4'}")


# -- pacing ---------------------------------------------------------------------------------------


def test_fps_zero_never_sleeps(image_folder: Path) -> None:
    def no_sleep(seconds: float) -> None:
        raise AssertionError(f"slept {seconds} s with fps=0")

    camera = ReplayCamera(image_folder, fps=0, sleep=no_sleep)
    with camera:
        frames = [camera.read() for _ in range(200)]
    assert [f.seq for f in frames] == list(range(200))


def test_paced_frames_are_stamped_one_period_apart_on_the_camera_clock(image_folder: Path) -> None:
    clock = FakeClock()
    camera = ReplayCamera(image_folder, fps=20, clock=clock, sleep=clock.sleep)
    with camera:
        stamps = [camera.read().timestamp for _ in range(8)]
    assert np.allclose(np.diff(stamps), 0.05)
    assert stamps[0] == 1000.0
    assert len(clock.sleeps) == 7 and np.allclose(clock.sleeps, 0.05)


def test_a_slow_consumer_is_never_made_to_wait_and_gets_no_burst_after(image_folder: Path) -> None:
    clock = FakeClock()
    camera = ReplayCamera(image_folder, fps=10, clock=clock, sleep=clock.sleep)
    with camera:
        stamps = [camera.read().timestamp]  # t=1000.0
        for _ in range(3):  # the consumer takes 0.25 s per frame: behind schedule every time
            clock.advance(0.25)
            stamps.append(camera.read().timestamp)
        assert clock.sleeps == []
        stamps += [camera.read().timestamp for _ in range(3)]  # then keeps up again
    assert np.allclose(stamps, [1000.0, 1000.25, 1000.5, 1000.75, 1000.85, 1000.95, 1001.05])
    assert np.allclose(clock.sleeps, [0.1, 0.1, 0.1])


def test_real_clock_pacing_never_releases_a_frame_early(image_folder: Path) -> None:
    fps = 100.0
    with open_camera(f"replay:{image_folder}", fps=fps) as camera:
        stamps = [camera.read().timestamp for _ in range(6)]
    assert all(s <= time.monotonic() for s in stamps)
    for i, stamp in enumerate(stamps):
        assert stamp - stamps[0] >= i / fps - 1e-9

import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from kiosk.learning.image_folder import (
    MAX_PIXELS,
    DatasetError,
    UnreadableImage,
    read_image,
    scan_image_folder,
)


def png_declaring(width: int, height: int) -> bytes:
    """A PNG header that claims a size; the pixel data is never there."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 10))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "BMP", "TIFF"])
def test_reads_every_supported_format(tmp_path, fmt):
    path = tmp_path / f"x.{fmt.lower()}"
    Image.new("RGB", (20, 10), (200, 10, 10)).save(path, fmt)
    image = read_image(path)
    assert image.size == (20, 10)


def test_reads_grey_and_16_bit_images(tmp_path):
    Image.fromarray(np.full((8, 8), 40000, dtype=np.uint16)).save(tmp_path / "deep.png")
    Image.new("L", (8, 8), 90).save(tmp_path / "grey.tiff")
    assert read_image(tmp_path / "deep.png").mode.startswith("I")
    assert read_image(tmp_path / "grey.tiff").mode == "L"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a readable image"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "not a readable image"),  # a format we do not take
        (b"just some text", "not a readable image"),
        (b"\x89PNG\r\n\x1a\n truncated", "not a readable image"),
        (png_declaring(20_000, 20_000), "too large|declares more"),
    ],
)
def test_bad_files_are_refused_with_a_reason(tmp_path, content, message):
    path = tmp_path / "bad.png"
    path.write_bytes(content)
    with pytest.raises(UnreadableImage, match=message):
        read_image(path)


def test_huge_declared_size_is_refused_before_decoding(tmp_path):
    side = int(MAX_PIXELS**0.5) + 10
    (tmp_path / "huge.png").write_bytes(png_declaring(side, side))
    with pytest.raises(UnreadableImage, match="too large"):
        read_image(tmp_path / "huge.png")
    with pytest.raises(UnreadableImage, match="does not exist"):
        read_image(tmp_path / "missing.png")


def test_scan_lists_classes_and_images_and_ignores_other_files(tmp_path):
    for label in ("b", "a"):
        (tmp_path / label).mkdir()
        Image.new("RGB", (4, 4)).save(tmp_path / label / "1.PNG")
    (tmp_path / "a" / "notes.txt").write_text("hi")
    (tmp_path / "a" / ".hidden.png").write_bytes(b"")
    (tmp_path / ".git").mkdir()
    folder = scan_image_folder(tmp_path)
    assert folder.classes == ("a", "b")
    assert [(path.name, label) for path, label in folder.files] == [("1.PNG", "a"), ("1.PNG", "b")]
    assert [item.path.name for item in folder.ignored] == ["notes.txt"]


def test_scan_errors_name_the_problem(tmp_path):
    with pytest.raises(DatasetError, match="no such folder"):
        scan_image_folder(tmp_path / "missing")
    with pytest.raises(DatasetError, match="no class folders"):
        scan_image_folder(tmp_path)
    (tmp_path / "apple").mkdir()
    (tmp_path / "pear").mkdir()
    with pytest.raises(DatasetError, match="no images"):
        scan_image_folder(tmp_path)
    Image.new("RGB", (4, 4)).save(tmp_path / "apple" / "1.jpg")
    with pytest.raises(DatasetError, match="without images: pear"):
        scan_image_folder(tmp_path)
    assert scan_image_folder(tmp_path, require_images_per_class=False).classes == ("apple", "pear")


def test_a_mask_beside_an_image_is_its_mask_never_an_image(tmp_path):
    for label in ("apple", "pear"):
        (tmp_path / label).mkdir()
    Image.new("RGB", (8, 6)).save(tmp_path / "apple" / "IMG_1.jpg")
    Image.new("L", (8, 6)).save(tmp_path / "apple" / "IMG_1.mask.png")
    Image.new("RGB", (8, 6)).save(tmp_path / "apple" / "IMG_2.png")
    Image.new("L", (8, 6)).save(tmp_path / "apple" / "IMG_9.MASK.PNG")
    Image.new("L", (8, 6)).save(tmp_path / "pear" / "only.mask.png")
    folder = scan_image_folder(tmp_path, require_images_per_class=False)
    assert [path.name for path, _ in folder.files] == ["IMG_1.jpg", "IMG_2.png"]
    assert folder.masks == {tmp_path / "apple" / "IMG_1.jpg": tmp_path / "apple" / "IMG_1.mask.png"}
    assert {item.path.name: item.reason for item in folder.ignored} == {
        "IMG_9.MASK.PNG": "a mask without its image (NAME.mask.png goes beside NAME.jpg)",
        "only.mask.png": "a mask without its image (NAME.mask.png goes beside NAME.jpg)",
    }
    with pytest.raises(DatasetError, match="without images: pear"):
        scan_image_folder(tmp_path)

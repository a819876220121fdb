"""Decoding hostile images safely, and the small helpers around Pillow."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, PngImagePlugin

from shared.imaging import BadImage, decode_image, encode_jpeg, encode_png, fit_within
from shared.protocol import limits

ORIENTATION = 0x0112


def two_tone(size: tuple[int, int] = (40, 20), mode: str = "RGB") -> Image.Image:
    """Left half red, right half blue: survives JPEG and shows which way it was turned."""
    image = Image.new("RGB", size, (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))
    return image.convert(mode)


def save(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny valid PNG whose IHDR is patched to declare another size (CRC fixed up)."""
    data = bytearray(save(Image.new("RGB", (4, 3), (1, 2, 3)), "PNG"))
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def jpeg_with_orientation(orientation: int, size: tuple[int, int] = (40, 20)) -> bytes:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    return save(two_tone(size), "JPEG", quality=95, exif=exif.tobytes())


def is_red(pixel) -> bool:
    r, g, b = pixel[:3]
    return r > 200 and g < 60 and b < 60


def is_blue(pixel) -> bool:
    r, g, b = pixel[:3]
    return b > 200 and r < 60 and g < 60


# --- decode_image ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_decodes_jpeg_and_png(fmt):
    image = decode_image(save(two_tone(), fmt))
    assert image.size == (40, 20)
    assert is_red(image.getpixel((5, 10))) and is_blue(image.getpixel((35, 10)))


def test_patched_header_is_what_pillow_sees():
    """The helper really changes the declared size and keeps the PNG otherwise valid."""
    with Image.open(io.BytesIO(png_declaring(7, 5))) as image:
        assert image.size == (7, 5)
    assert decode_image(png_declaring(4, 3)).size == (4, 3)


def test_decompression_bomb_is_refused_by_its_declared_size():
    """50 000 x 50 000 pixels is a few bytes here and 7.5 GB decoded: refused from the header.

    The file holds pixel data for 4x3 only, so had decoding been tried the
    error would be about missing or truncated data instead of the size.
    """
    with pytest.raises(BadImage) as info:
        decode_image(png_declaring(50_000, 50_000), "sample")
    message = str(info.value)
    assert message.startswith("sample ")
    assert "pixels" in message
    assert any(size in message for size in ("50000x50000", "2500000000", f"{limits.MAX_IMAGE_PIXELS:,}"))
    assert "truncated" not in message.lower()


@pytest.mark.parametrize(
    ("width", "height"),
    [(5_000, 5_000), (limits.MAX_IMAGE_SIDE + 1, 10), (10, limits.MAX_IMAGE_SIDE + 1), (6_000, 4_001)],
)
def test_images_over_the_limits_are_refused_before_decoding(width, height):
    assert width > limits.MAX_IMAGE_SIDE or height > limits.MAX_IMAGE_SIDE or width * height > 24_000_000
    with pytest.raises(BadImage) as info:
        decode_image(png_declaring(width, height))
    assert f"{width}x{height}" in str(info.value)
    assert "limit" in str(info.value)


def test_images_at_the_limits_are_decoded_up_to_their_data():
    """Declared sizes within the limits pass the size check; the pixel data then decides."""
    with pytest.raises(BadImage) as info:
        decode_image(png_declaring(limits.MAX_IMAGE_SIDE, 10))
    assert "could not be decoded" in str(info.value)


def test_custom_limits():
    data = save(two_tone((100, 50)), "PNG")
    assert decode_image(data).size == (100, 50)
    with pytest.raises(BadImage, match="100x50"):
        decode_image(data, max_side=99)
    with pytest.raises(BadImage, match="100x50"):
        decode_image(data, max_pixels=4_999)
    assert decode_image(data, max_side=100, max_pixels=5_000).size == (100, 50)


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


@pytest.mark.parametrize(
    ("kind", "prefix"), [(b"zTXt", b"comment\x00\x00"), (b"iCCP", b"profile\x00\x00")], ids=["zTXt", "iCCP"]
)
def test_png_metadata_bomb(kind, prefix):
    """A 1 KB chunk that inflates to megabytes (Pillow raises ValueError for it)."""
    payload = prefix + zlib.compress(b"a" * (PngImagePlugin.MAX_TEXT_CHUNK + 1))
    data = save(Image.new("RGB", (4, 3)), "PNG")
    bomb = data[:33] + png_chunk(kind, payload) + data[33:]  # right after IHDR
    assert len(bomb) < 4096
    with pytest.raises(BadImage, match="could not be decoded"):
        decode_image(bomb)


@pytest.mark.parametrize("keep", [0.9, 0.5, 0.1])
def test_truncated_jpeg(keep):
    data = save(two_tone((64, 64)), "JPEG")
    with pytest.raises(BadImage, match="could not be decoded"):
        decode_image(data[: int(len(data) * keep)], "upload")


def test_truncated_png():
    data = save(Image.effect_noise((64, 64), 80), "PNG")  # noise: a long IDAT chunk
    idat = data.index(b"IDAT")
    for cut in (idat + (len(data) - idat) // 2, idat + 10, 40, 10):
        with pytest.raises(BadImage):
            decode_image(data[:cut])


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00", b"not an image", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0" + bytes(100)],
)
def test_garbage(data):
    with pytest.raises(BadImage):
        decode_image(data)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2048))
def test_random_bytes_are_bad_images(data):
    with pytest.raises(BadImage):
        decode_image(data)


@pytest.mark.parametrize(
    ("fmt", "options"),
    [("GIF", {}), ("BMP", {}), ("TIFF", {}), ("WEBP", {}), ("ICO", {}), ("PPM", {})],
)
def test_only_jpeg_and_png_are_accepted(fmt, options):
    data = save(two_tone((32, 32)), fmt, **options)
    with Image.open(io.BytesIO(data)) as image:  # Pillow itself could read it ...
        assert image.format == fmt
    with pytest.raises(BadImage):  # ... but a service may not
        decode_image(data)


_SEEDS = [
    save(two_tone((24, 16)), "JPEG"),
    save(two_tone((24, 16)), "JPEG", progressive=True),
    jpeg_with_orientation(6, (24, 16)),
    save(two_tone((24, 16)), "PNG"),
    save(two_tone((24, 16), "P"), "PNG"),
    save(two_tone((24, 16), "RGBA"), "PNG"),
]


@st.composite
def mutated_images(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(_SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data) - 1)) if data else 0
        op = draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        if op == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 32))]
        else:
            del data[at:]
    return bytes(data)


@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow warns about corrupt EXIF before it fails
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_images())
def test_corrupted_images_decode_or_raise_bad_image(data):
    """Whatever happens to the bytes, the only failure is `BadImage`."""
    try:
        image = decode_image(data)
    except BadImage as exc:
        assert str(exc)
        return
    assert image.width >= 1 and image.height >= 1
    assert image.width * image.height <= limits.MAX_IMAGE_PIXELS
    image.getpixel((0, 0))  # loaded: no file behind it any more


@pytest.mark.parametrize(
    ("orientation", "size"),
    [(1, (40, 20)), (3, (40, 20)), (6, (20, 40)), (8, (20, 40))],
)
def test_exif_orientation_is_applied(orientation, size):
    image = decode_image(jpeg_with_orientation(orientation))
    assert image.size == size
    assert image.getexif().get(ORIENTATION) in (None, 1)


def test_orientation_6_turns_the_image_clockwise():
    """Stored 40x20 with red on the left; orientation 6 means 'rotate 90° clockwise to view'."""
    image = decode_image(jpeg_with_orientation(6))
    assert image.size == (20, 40)
    assert is_red(image.getpixel((10, 5))), "the stored left half is now on top"
    assert is_blue(image.getpixel((10, 35)))


# --- fit_within ------------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(width=st.integers(1, 1500), height=st.integers(1, 1500), max_side=st.integers(1, 1600))
def test_fit_within(width, height, max_side):
    image = Image.new("L", (width, height))
    fitted = fit_within(image, max_side)
    if max(width, height) <= max_side:
        assert fitted is image, "never upscaled, never copied"
        return
    assert max(fitted.size) == max_side
    assert fitted.width <= width and fitted.height <= height
    assert fitted.width >= 1 and fitted.height >= 1
    scale = max_side / max(width, height)
    assert abs(fitted.width - width * scale) <= 1
    assert abs(fitted.height - height * scale) <= 1


def test_fit_within_examples():
    image = two_tone((400, 200))
    assert fit_within(image, 100).size == (100, 50)
    assert fit_within(image, 400) is image
    assert fit_within(image, 1000).size == (400, 200)
    assert fit_within(Image.new("RGB", (1000, 1)), 10).size == (10, 1)
    assert fit_within(Image.new("RGB", (1, 1000)), 10).size == (1, 10)
    fitted = fit_within(image, 100)
    assert is_red(fitted.getpixel((10, 25))) and is_blue(fitted.getpixel((90, 25)))


# --- encoders --------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "LA", "P", "1", "I", "CMYK"])
def test_encode_jpeg_any_mode(mode):
    image = two_tone((32, 16), mode)
    data = encode_jpeg(image)
    assert data.startswith(b"\xff\xd8\xff")
    decoded = decode_image(data)
    assert decoded.mode == "RGB"
    assert decoded.size == (32, 16)


def test_encode_jpeg_keeps_colour_and_honours_quality():
    image = two_tone((64, 64))
    decoded = decode_image(encode_jpeg(image))
    assert is_red(decoded.getpixel((5, 32))) and is_blue(decoded.getpixel((60, 32)))
    noisy = Image.effect_noise((64, 64), 80).convert("RGB")
    assert len(encode_jpeg(noisy, quality=95)) > len(encode_jpeg(noisy, quality=20))


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "P"])
def test_encode_png_is_lossless(mode):
    image = two_tone((20, 10), mode)
    data = encode_png(image)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    decoded = decode_image(data)
    assert decoded.mode == mode
    assert decoded.convert("RGBA").tobytes() == image.convert("RGBA").tobytes()

"""The codec: round trips, the JSON/frame choice, and that any byte string decodes safely.

The central promise of `shared.protocol.codec.decode` is that *any* byte string
either becomes a valid message or raises `ProtocolError`; a service relies on
that to turn hostile input into a `failed` event instead of a crash. The
property tests below feed it random bytes, mutated valid frames and arbitrary
JSON documents; any other exception fails them.
"""

from __future__ import annotations

import json
import struct
import traceback

import pytest
from hypothesis import HealthCheck, currently_in_test_context, event, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from shared.presets import Preset
from shared.protocol import ProtocolError, decode, encode, limits
from shared.protocol.codec import describe_validation_error
from shared.protocol.messages import (
    MESSAGE_TYPES,
    PROTOCOL_VERSION,
    GenerationJob,
    JobDone,
    JobImage,
    WireModel,
    WorkerStatus,
)
from tests.shared.protocol.strategies import (
    BLOB_TYPES,
    JPEG_MAGIC,
    MESSAGE_STRATEGIES,
    PNG_MAGIC,
    json_values,
    messages,
)

CODES = {"malformed", "too_large", "invalid", "unsupported_version"}
PREFIX = struct.Struct(">2sBI")
SECRET = b"SECRETPIXELS"
"""A recognisable pattern put into image bytes; no error message may echo it."""

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- helpers -------------------------------------------------------------------------------------


def _event(text: str) -> None:
    """Count outcomes for ``--hypothesis-show-statistics`` (only inside a property test)."""
    if currently_in_test_context():
        event(text)


def decode_safely(data: bytes) -> WireModel | ProtocolError:
    """Decode, allowing exactly two outcomes: a valid message or a `ProtocolError`.

    Any other exception propagates and fails the calling test. An accepted
    message must also survive being sent on: encoding it and decoding that
    gives the same message.
    """
    try:
        message = decode(data)
    except ProtocolError as exc:
        assert exc.code in CODES, exc.code
        assert exc.message and str(exc) == exc.message
        _event(f"rejected: {exc.code}")
        return exc
    assert type(message) is MESSAGE_TYPES[message.type]
    assert decode(encode(message)) == message
    _event("accepted")
    return message


def frame(
    header: dict | bytes,
    blobs: list[tuple[str, bytes]] = (),
    *,
    version: int = PROTOCOL_VERSION,
    declare: list | None = None,
    header_len: int | None = None,
    trailer: bytes = b"",
) -> bytes:
    """A hand-built TB frame; `declare` overrides the `_blobs` list the header announces."""
    if isinstance(header, dict):
        header = dict(header)
        header["_blobs"] = declare if declare is not None else [[name, len(blob)] for name, blob in blobs]
        header_bytes = json.dumps(header).encode()
    else:
        header_bytes = header
    length = len(header_bytes) if header_len is None else header_len
    return PREFIX.pack(b"TB", version, length) + header_bytes + b"".join(b for _, b in blobs) + trailer


def split_frame(data: bytes) -> tuple[int, dict, bytes]:
    magic, version, length = PREFIX.unpack_from(data)
    assert magic == b"TB"
    return version, json.loads(data[PREFIX.size : PREFIX.size + length]), data[PREFIX.size + length :]


IMAGE = JPEG_MAGIC + b"\xe0" + SECRET * 10
MASK = PNG_MAGIC + SECRET * 5


def job_header(**overrides) -> dict:
    header = {
        "v": PROTOCOL_VERSION,
        "type": "job",
        "job_id": "job-1",
        "kiosk_id": "kiosk-1",
        "label": "apple",
        "preset": "new_colour",
        "change": 0.5,
        "num_images": 4,
        "seed": 7,
        "created_at": 1_700_000_000.0,
        "deadline": 1_700_000_060.0,
    }
    header.update(overrides)
    return {k: v for k, v in header.items() if v is not ...}


def job_frame(image: bytes = IMAGE, mask: bytes | None = None, **overrides) -> bytes:
    blobs = [("image", image)] + ([("mask", mask)] if mask is not None else [])
    return frame(job_header(**overrides), blobs)


def done_json(**overrides) -> bytes:
    doc = {"v": PROTOCOL_VERSION, "type": "done", "job_id": "job-1", "worker_id": "w1", "at": 5.0}
    doc |= {"num_images": 2, "elapsed_s": 1.5} | overrides
    return json.dumps({k: v for k, v in doc.items() if v is not ...}).encode()


def reject(data: bytes, code: str, *mentions: str) -> ProtocolError:
    with pytest.raises(ProtocolError) as info:
        decode(data)
    assert info.value.code == code, f"{info.value.code}: {info.value}"
    for word in mentions:
        assert word in str(info.value), str(info.value)
    return info.value


# --- round trips and the choice of encoding ------------------------------------------------------


def test_strategies_cover_every_message_type():
    assert set(MESSAGE_STRATEGIES) == set(MESSAGE_TYPES)
    assert {kind for kind, model in MESSAGE_TYPES.items() if model.BLOB_FIELDS} == BLOB_TYPES


@pytest.mark.parametrize("kind", sorted(MESSAGE_STRATEGIES))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_round_trip(kind, data):
    message = data.draw(MESSAGE_STRATEGIES[kind])
    assert message.type == kind
    encoded = encode(message)
    assert isinstance(encoded, bytes)
    decoded = decode(encoded)
    assert type(decoded) is type(message)
    assert decoded == message
    assert encode(decoded) == encoded, "encoding is deterministic"
    assert decode(bytearray(encoded)) == message
    assert decode(memoryview(encoded)) == message


@settings(max_examples=150, deadline=None)
@given(messages)
def test_messages_without_images_are_plain_json(message):
    if message.type in BLOB_TYPES:
        return
    data = encode(message)
    assert data.startswith(b"{")
    document = json.loads(data.decode("utf-8"))
    assert document == message.model_dump(mode="json")
    assert document["type"] == message.type
    assert document["v"] == PROTOCOL_VERSION
    assert "_blobs" not in document


@settings(max_examples=100, deadline=None)
@given(st.one_of(MESSAGE_STRATEGIES["job"], MESSAGE_STRATEGIES["image"]))
def test_messages_with_images_are_frames_with_raw_blobs(message):
    data = encode(message)
    assert data.startswith(b"TB" + bytes([PROTOCOL_VERSION]))
    version, header, body = split_frame(data)
    assert version == PROTOCOL_VERSION
    present = [name for name in message.BLOB_FIELDS if getattr(message, name) is not None]
    assert header["_blobs"] == [[name, len(getattr(message, name))] for name in present]
    assert body == b"".join(getattr(message, name) for name in present), "blobs travel raw, back to back"
    for name in message.BLOB_FIELDS:
        assert name not in header, f"{name} must not also be in the JSON header"
    assert header["type"] == message.type


def test_job_without_mask_sends_only_the_image_blob():
    job = decode(job_frame())
    assert isinstance(job, GenerationJob) and job.mask is None and job.image == IMAGE
    _, header, body = split_frame(encode(job))
    assert header["_blobs"] == [["image", len(IMAGE)]]
    assert body == IMAGE

    with_mask = job.model_copy(update={"mask": MASK})
    _, header, body = split_frame(encode(with_mask))
    assert header["_blobs"] == [["image", len(IMAGE)], ["mask", len(MASK)]]
    assert body == IMAGE + MASK
    assert decode(encode(with_mask)).mask == MASK


def test_largest_valid_job_fits_in_a_frame():
    """The limits agree: the biggest job the models allow is a frame the receiver accepts."""
    image = JPEG_MAGIC + bytes(limits.MAX_SOURCE_IMAGE_BYTES - len(JPEG_MAGIC))
    mask = PNG_MAGIC + bytes(limits.MAX_MASK_BYTES - len(PNG_MAGIC))
    job = GenerationJob(**job_header(v=..., type=...), image=image, mask=mask)
    data = encode(job)
    assert len(data) <= limits.MAX_FRAME_BYTES
    assert decode(data) == job


# --- the key property: any bytes -> message or ProtocolError -------------------------------------


@FUZZ
@given(st.binary(max_size=512))
def test_random_bytes_never_escape_as_other_errors(data):
    result = decode_safely(data)
    if not data.startswith((b"{", b"TB")):
        assert isinstance(result, ProtocolError) and result.code == "malformed"


@FUZZ
@given(st.sampled_from([b"TB\x01", b"TB", b"{", b'{"type":"job",', b"TB\x02"]), st.binary(max_size=512))
def test_random_bytes_after_a_plausible_prefix(prefix, tail):
    decode_safely(prefix + tail)


def _mutate_bytes(draw: st.DrawFn, data: bytearray) -> bytearray:
    if not data:
        return bytearray(draw(st.binary(max_size=16)))
    op = draw(st.sampled_from(["flip", "set", "insert", "delete", "truncate", "duplicate"]))
    at = draw(st.integers(0, len(data) - 1))
    if op == "flip":
        data[at] ^= draw(st.integers(1, 255))
    elif op == "set":
        data[at] = draw(st.sampled_from([0, 0x22, 0x2C, 0x5B, 0x5D, 0x7B, 0x7D, 0x80, 0xFF]))
    elif op == "insert":
        data[at:at] = draw(st.binary(min_size=1, max_size=8))
    elif op == "delete":
        del data[at : at + draw(st.integers(1, 16))]
    elif op == "truncate":
        del data[at:]
    else:
        end = min(len(data), at + draw(st.integers(1, 16)))
        data[at:at] = data[at:end]
    return data


def _mutate_prefix(draw: st.DrawFn, data: bytearray) -> bytearray:
    """Change the frame's version byte or its declared header length."""
    if len(data) < PREFIX.size or not data.startswith(b"TB"):
        return data
    _, version, length = PREFIX.unpack_from(data)
    if draw(st.booleans()):
        version = draw(st.integers(0, 255))
    else:
        length = draw(
            st.integers(max(0, length - 8), min(2**32 - 1, length + 8))
            | st.sampled_from([0, 1, limits.MAX_HEADER_BYTES, limits.MAX_HEADER_BYTES + 1, 2**32 - 1])
        )
    data[: PREFIX.size] = PREFIX.pack(b"TB", version, length)
    return data


BLOB_NAMES = st.sampled_from(["image", "mask", "thumbnail", "type", "v", "_blobs", "", "job_id"])
BLOB_SIZES = st.one_of(
    st.integers(-3, 300),
    st.sampled_from([-(2**63), 2**31, 2**32, 2**64, 10**30]),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.text(max_size=3),
)


def _edit_blob_list(draw: st.DrawFn, declared: object) -> object:
    if not isinstance(declared, list):
        return draw(json_values)
    declared = [list(entry) if isinstance(entry, list) else entry for entry in declared]
    op = draw(st.sampled_from(["size", "name", "duplicate", "drop", "add", "reverse", "shape", "replace"]))
    if op in {"size", "name", "duplicate", "drop", "shape"} and not declared:
        op = "add"
    at = draw(st.integers(0, max(0, len(declared) - 1)))
    if op == "size" and isinstance(declared[at], list) and len(declared[at]) == 2:
        declared[at][1] = draw(BLOB_SIZES)
    elif op == "name" and isinstance(declared[at], list) and declared[at]:
        declared[at][0] = draw(BLOB_NAMES | st.text(max_size=5) | json_values)
    elif op == "duplicate":
        declared.insert(at, declared[at])
    elif op == "drop":
        del declared[at]
    elif op == "add":
        declared.insert(at, [draw(BLOB_NAMES), draw(BLOB_SIZES)])
    elif op == "reverse":
        declared.reverse()
    elif op == "shape":
        declared[at] = draw(json_values)
    else:
        return draw(json_values)
    return declared


def _edit_document(draw: st.DrawFn, document: dict) -> dict:
    keys = sorted(document)
    op = draw(st.sampled_from(["drop", "unknown", "retype", "type", "version", "blobs"]))
    if op == "drop" and keys:
        del document[draw(st.sampled_from(keys))]
    elif op == "unknown":
        document[draw(st.text(min_size=1, max_size=10))] = draw(json_values)
    elif op == "retype" and keys:
        document[draw(st.sampled_from(keys))] = draw(json_values)
    elif op == "type":
        document["type"] = draw(st.sampled_from(sorted(MESSAGE_TYPES)) | json_values)
    elif op == "version":
        document["v"] = draw(st.sampled_from([0, 1, 3, 2.0, True, "2", None, -1, 2**64]) | json_values)
    elif op == "blobs":
        document["_blobs"] = _edit_blob_list(draw, document.get("_blobs"))
    return document


def _mutate_header(draw: st.DrawFn, data: bytearray) -> bytearray:
    """Parse the JSON part, edit it structurally, and put the message back together."""
    is_frame = data.startswith(b"TB") and len(data) >= PREFIX.size
    if is_frame:
        _, version, length = PREFIX.unpack_from(data)
        raw, body = data[PREFIX.size : PREFIX.size + length], data[PREFIX.size + length :]
    else:
        raw, body = data, b""
    try:
        document = json.loads(bytes(raw).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return data
    if not isinstance(document, dict):
        return data
    document = _edit_document(draw, document)
    header = json.dumps(document, ensure_ascii=draw(st.booleans())).encode()
    if not is_frame:
        return bytearray(header)
    if draw(st.integers(0, 4)) == 0:  # now and then, the body no longer matches the header
        body = _mutate_bytes(draw, bytearray(body))
    return bytearray(PREFIX.pack(b"TB", version, len(header)) + header + body)


@st.composite
def mutated_messages(draw: st.DrawFn) -> bytes:
    data = bytearray(encode(draw(messages)))
    for _ in range(draw(st.integers(1, 3))):
        mutate = draw(st.sampled_from([_mutate_bytes, _mutate_prefix, _mutate_header, _mutate_header]))
        data = mutate(draw, data)
    return bytes(data)


@FUZZ
@given(mutated_messages())
def test_mutated_valid_messages_decode_safely(data):
    decode_safely(data)


@settings(FUZZ, max_examples=200)
@given(messages, st.data())
def test_truncated_valid_messages_are_rejected(message, data):
    encoded = encode(message)
    cut = data.draw(st.integers(0, len(encoded) - 1))
    result = decode_safely(encoded[:cut])
    assert isinstance(result, ProtocolError)


@FUZZ
@given(json_values, st.booleans())
def test_arbitrary_json_documents_decode_safely(value, as_frame):
    document = json.dumps(value).encode()
    data = frame(value if isinstance(value, dict) else document, [("image", IMAGE)]) if as_frame else document
    result = decode_safely(data)
    if not isinstance(value, dict):
        assert isinstance(result, ProtocolError) and result.code == "malformed"


@FUZZ
@given(messages, st.text(max_size=12), json_values)
def test_arbitrary_json_values_inside_valid_messages(message, key, value):
    """Any JSON value in any field (known or not) of a real message: never a crash."""
    header = message.model_dump(mode="json", exclude=set(message.BLOB_FIELDS))
    fields = sorted(header)
    header[key if key and key not in {"_blobs"} else fields[len(key) % len(fields)]] = value
    blobs = [(name, getattr(message, name)) for name in message.BLOB_FIELDS if getattr(message, name)]
    data = frame(header, blobs) if blobs else json.dumps(header).encode()
    decode_safely(data)


def _nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


NASTY_DOCUMENTS = {
    "100k open brackets": b"[" * 100_000,
    "object with 100k open brackets": b'{"a":' + b"[" * 100_000,
    "object with 30k nested objects": b'{"a":' * 30_000 + b"1" + b"}" * 30_000,
    "nested just under the recursion limit": f'{{"type":"done","x":{_nested(900)}}}'.encode(),
    "nested type": f'{{"type":{_nested(990)}}}'.encode(),
    "nested version": f'{{"v":{_nested(990)}}}'.encode(),
    "huge exponent": done_json(elapsed_s=...)[:-1] + b',"elapsed_s":1e999999}',
    "negative huge exponent": done_json(at=...)[:-1] + b',"at":-1e400}',
    "4301-digit integer": done_json(num_images=...)[:-1] + b',"num_images":' + b"9" * 4301 + b"}",
    "4300-digit integer": done_json(num_images=...)[:-1] + b',"num_images":' + b"9" * 4300 + b"}",
    "NaN literal": done_json(elapsed_s=...)[:-1] + b',"elapsed_s":NaN}',
    "Infinity literal": done_json(at=...)[:-1] + b',"at":Infinity}',
    "-Infinity literal": done_json(at=...)[:-1] + b',"at":-Infinity}',
    "NaN version": b'{"v":NaN,"type":"done"}',
    "invalid UTF-8": b'{"type":"done","job_id":"\xff\xfe"}',
    "overlong UTF-8": b'{"type":"done","job_id":"\xc0\xaf"}',
    "lone surrogate escape": done_json(job_id="\ud800"),
    "lone surrogate in a free-text field": json.dumps(
        {"type": "failed", "job_id": "j", "worker_id": "w", "code": "busy", "message": "\udfff"}
    ).encode(),
    "NUL bytes": b'{"type":"done"\x00}',
    "BOM": b"\xef\xbb\xbf" + done_json(),
    "trailing garbage": done_json() + b"garbage",
    "two documents": done_json() + done_json(),
    "empty object": b"{}",
    "just a brace": b"{",
    "empty": b"",
    "array": b"[]",
    "string": b'"done"',
    "duplicate keys": b'{"type":"done","type":"teleport"}',
}


@pytest.mark.parametrize("data", list(NASTY_DOCUMENTS.values()), ids=list(NASTY_DOCUMENTS))
def test_nasty_json_never_escapes(data):
    decode_safely(data)
    if data.startswith(b"{"):
        # The same header inside a frame, if it fits, must be just as safe.
        decode_safely(frame(data[: limits.MAX_HEADER_BYTES], [("image", IMAGE)]))


def test_nasty_json_is_rejected_for_the_right_reasons():
    assert decode_safely(NASTY_DOCUMENTS["100k open brackets"]).code == "malformed"
    assert decode_safely(NASTY_DOCUMENTS["nested just under the recursion limit"]).code in {
        "invalid",
        "malformed",
    }
    invalid_utf8 = decode_safely(NASTY_DOCUMENTS["invalid UTF-8"])
    assert invalid_utf8.code == "malformed"
    assert "UTF-8" in str(invalid_utf8)
    assert decode_safely(NASTY_DOCUMENTS["NaN literal"]).code == "invalid"
    assert decode_safely(NASTY_DOCUMENTS["Infinity literal"]).code == "invalid"
    assert decode_safely(NASTY_DOCUMENTS["huge exponent"]).code == "invalid"
    assert decode_safely(NASTY_DOCUMENTS["4301-digit integer"]).code == "malformed"
    assert decode_safely(NASTY_DOCUMENTS["4300-digit integer"]).code == "invalid"
    assert decode_safely(NASTY_DOCUMENTS["lone surrogate escape"]).code == "invalid"
    assert decode_safely(NASTY_DOCUMENTS["lone surrogate in a free-text field"]).code == "invalid"
    assert decode_safely(NASTY_DOCUMENTS["trailing garbage"]).code == "malformed"
    assert decode_safely(NASTY_DOCUMENTS["BOM"]).code == "malformed"


def test_deep_nesting_in_a_frame_header():
    depth = limits.MAX_HEADER_BYTES // 2 - 20
    header = f'{{"type":"image","_blobs":{_nested(depth)}}}'.encode()
    assert len(header) <= limits.MAX_HEADER_BYTES
    assert decode_safely(frame(header, [("image", IMAGE)])).code == "malformed"


def test_non_bytes_input_is_a_protocol_error():
    for value in ("{}", None, 42, ["TB"]):
        with pytest.raises(ProtocolError) as info:
            decode(value)
        assert info.value.code == "malformed"


# --- specific rejections -------------------------------------------------------------------------


def test_valid_hand_built_frames_decode():
    """The baseline the rejections below are measured against."""
    job = decode(job_frame(mask=MASK))
    assert isinstance(job, GenerationJob)
    assert (job.image, job.mask, job.num_images, job.preset) == (IMAGE, MASK, 4, "new_colour")
    assert isinstance(decode(done_json()), JobDone)
    assert isinstance(decode(job_frame(v=...)), GenerationJob), "v defaults to 1"


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(job_frame(surprise=1), id="frame"),
        pytest.param(done_json(surprise=1), id="json"),
        pytest.param(
            frame(
                {
                    "type": "image",
                    "job_id": "j",
                    "worker_id": "w",
                    "index": 0,
                    "total": 1,
                    "recipe": {
                        "backend": "classic",
                        "change": 0.5,
                        "seed": 1,
                        "index": 0,
                        "whole_image": True,
                        "surprise": 1,
                    },
                },
                [("image", IMAGE)],
            ),
            id="nested",
        ),
    ],
)
def test_unknown_field_is_invalid(data):
    reject(data, "invalid", "surprise")


@pytest.mark.parametrize("kind", ["teleport", "", "JOB", None, 1, ["job"], {"job": 1}])
def test_unknown_type_is_invalid(kind):
    reject(done_json(type=kind), "invalid", "type")
    reject(job_frame(type=kind), "invalid", "type")


def test_missing_type_is_invalid():
    reject(done_json(type=...), "invalid", "type")


def test_type_and_fields_must_agree():
    reject(done_json(type="accepted"), "invalid")
    reject(job_frame(type="image"), "invalid")


@pytest.mark.parametrize("version", [1, 3, 0, -1, "2", None, 2**70])
def test_wrong_message_version_is_unsupported(version):
    reject(done_json(v=version), "unsupported_version")
    reject(job_frame(v=version), "unsupported_version")


@pytest.mark.parametrize("version", [True, 2.0])
def test_version_is_not_coerced(version):
    with pytest.raises(ProtocolError):
        decode(done_json(v=version))


@pytest.mark.parametrize("version_byte", [0, 1, 3, 255])
def test_wrong_frame_version_byte_is_unsupported(version_byte):
    data = bytearray(job_frame())
    data[2] = version_byte
    reject(bytes(data), "unsupported_version", str(version_byte))


def test_oversized_input_is_refused_before_parsing():
    garbage_frame = b"TB" + bytes([PROTOCOL_VERSION]) + b"\xff" * (limits.MAX_FRAME_BYTES - 2)
    assert len(garbage_frame) == limits.MAX_FRAME_BYTES + 1
    reject(garbage_frame, "too_large", str(limits.MAX_FRAME_BYTES))
    reject(b"\x00" * (limits.MAX_FRAME_BYTES + 1), "too_large")
    # One byte less is parsed, and the garbage is then found.
    reject(garbage_frame[:-1], "too_large", "header")  # its header length field reads 0xffffffff
    reject(
        PREFIX.pack(b"TB", PROTOCOL_VERSION, 8) + b"\xff" * (limits.MAX_FRAME_BYTES - PREFIX.size),
        "malformed",
    )


def test_oversized_json_message_is_too_large():
    padding = "x" * limits.MAX_HEADER_BYTES
    reject(done_json(pad=padding), "too_large", str(limits.MAX_HEADER_BYTES))


def test_frame_header_over_the_limit_is_too_large():
    reject(frame(b"{}", header_len=limits.MAX_HEADER_BYTES + 1), "too_large", str(limits.MAX_HEADER_BYTES))
    header = json.dumps(job_header(pad="x" * limits.MAX_HEADER_BYTES)).encode()
    reject(frame(header, [("image", IMAGE)]), "too_large")
    # At the limit, the header is read (and here found to be cut short).
    reject(frame(b"{}", header_len=limits.MAX_HEADER_BYTES), "malformed")


def test_oversized_images_are_refused_naming_the_field():
    big_image = JPEG_MAGIC + SECRET * (limits.MAX_SOURCE_IMAGE_BYTES // len(SECRET) + 1)
    assert len(big_image) > limits.MAX_SOURCE_IMAGE_BYTES
    error = reject(job_frame(image=big_image), "too_large", "image", str(limits.MAX_SOURCE_IMAGE_BYTES))
    assert "SECRET" not in str(error)

    at_limit = big_image[: limits.MAX_SOURCE_IMAGE_BYTES]
    assert decode(job_frame(image=at_limit)).image == at_limit

    big_mask = PNG_MAGIC + bytes(limits.MAX_MASK_BYTES - len(PNG_MAGIC) + 1)
    reject(job_frame(mask=big_mask), "too_large", "mask", str(limits.MAX_MASK_BYTES))


def test_oversized_result_image_is_refused():
    header = {
        "type": "image",
        "job_id": "j",
        "worker_id": "w",
        "index": 0,
        "total": 1,
        "recipe": {"backend": "classic", "change": 0.5, "seed": 1, "index": 0, "whole_image": True},
    }
    image = PNG_MAGIC + bytes(limits.MAX_RESULT_IMAGE_BYTES - len(PNG_MAGIC))
    assert isinstance(decode(frame(header, [("image", image)])), JobImage)
    reject(frame(header, [("image", image + b"\0")]), "too_large", "image")


@pytest.mark.parametrize(
    ("declare", "trailer"),
    [
        pytest.param([["image", len(IMAGE) + 1]], b"", id="blob-shorter-than-declared"),
        pytest.param([["image", len(IMAGE)], ["mask", 10]], b"", id="declared-blob-missing"),
        pytest.param([["image", len(IMAGE)]], b"extra", id="trailing-bytes"),
        pytest.param([["image", len(IMAGE) - 1]], b"", id="blob-longer-than-declared"),
        pytest.param([], b"", id="empty-blob-list"),
        pytest.param([["image", -1]], b"", id="negative-length"),
        pytest.param([["image", len(IMAGE) + 3], ["mask", -3]], b"", id="negative-length-evening-out"),
        pytest.param([["image", len(IMAGE)], ["mask", False]], b"", id="bool-length-for-an-empty-blob"),
        pytest.param([["image", True]], b"", id="bool-length"),
        pytest.param([["image", float(len(IMAGE))]], b"", id="float-length"),
        pytest.param([["image", str(len(IMAGE))]], b"", id="string-length"),
        pytest.param([["image", 2**64]], b"", id="huge-length"),
        pytest.param([["image", len(IMAGE), "x"]], b"", id="three-element-entry"),
        pytest.param([[1, len(IMAGE)]], b"", id="non-string-name"),
        pytest.param([{"image": len(IMAGE)}], b"", id="object-entry"),
        pytest.param([["image", len(IMAGE)], ["image", 0]], b"", id="duplicate-name"),
        pytest.param({"image": len(IMAGE)}, b"", id="blob-list-is-an-object"),
    ],
)
def test_bad_blob_declarations_are_malformed(declare, trailer):
    reject(frame(job_header(), [("image", IMAGE)], declare=declare, trailer=trailer), "malformed")


def test_frame_without_blob_list_is_malformed():
    header = json.dumps(job_header()).encode()
    reject(frame(header, [("image", IMAGE)]), "malformed", "_blobs")


def test_header_length_beyond_the_data_is_malformed():
    """A header that claims more bytes than the frame has is not read as far as it goes."""
    header = json.dumps({**job_header(), "_blobs": [["image", 0]]}).encode()
    reject(frame(header, header_len=len(header) + 10), "malformed", "declared header")


def test_short_frames_are_malformed():
    encoded = job_frame()
    for cut in (2, 3, PREFIX.size - 1, PREFIX.size, PREFIX.size + 5):
        reject(encoded[:cut], "malformed")


def test_plain_json_may_not_declare_blobs():
    reject(done_json(_blobs=[["image", 0]]), "malformed", "_blobs")


def test_blob_for_a_field_the_model_lacks_is_invalid():
    error = reject(frame(job_header(), [("image", IMAGE), ("thumbnail", MASK)]), "invalid", "thumbnail")
    assert "SECRET" not in str(error)
    done = json.loads(done_json())
    reject(frame(done, [("image", IMAGE)]), "invalid", "image")
    reject(frame(job_header(), [("image", IMAGE), ("label", b"apple")]), "invalid", "label")


def test_field_both_in_json_and_as_blob_is_invalid():
    error = reject(frame(job_header(mask="inline"), [("image", IMAGE), ("mask", MASK)]), "invalid", "mask")
    assert "both" in str(error)
    reject(frame(job_header(image=None), [("image", IMAGE)]), "invalid", "image")


def test_image_bytes_in_json_are_refused():
    """Images travel only as blobs; JSON cannot carry bytes (no base64 fallback)."""
    header = job_header(image=SECRET.decode() * 10)
    error = reject(frame(header, [("mask", MASK)]), "invalid", "image")
    assert "SECRET" not in str(error)


@pytest.mark.parametrize(
    "image",
    [
        b"GIF89a" + SECRET,
        b"BM" + SECRET,
        b"II*\x00" + SECRET,
        b"RIFF\x00\x00\x00\x00WEBP" + SECRET,
        b"",
        b"\xff\xd8" + SECRET,  # two thirds of the JPEG signature
        PNG_MAGIC[:-1] + SECRET,
    ],
    ids=["gif", "bmp", "tiff", "webp", "empty", "short-jpeg-magic", "short-png-magic"],
)
def test_non_jpeg_png_image_is_invalid(image):
    error = reject(job_frame(image=image), "invalid", "image")
    assert "SECRET" not in str(error)


def test_mask_must_be_png():
    error = reject(job_frame(mask=JPEG_MAGIC + SECRET), "invalid", "mask", "PNG")
    assert "SECRET" not in str(error)
    reject(job_frame(mask=PNG_MAGIC[:4] + b"\r\n\x00\x00" + SECRET), "invalid", "mask")
    reject(job_frame(mask=b"\x89" + SECRET), "invalid", "mask")
    assert decode(job_frame(mask=PNG_MAGIC + SECRET)).mask == PNG_MAGIC + SECRET
    assert decode(job_frame(image=PNG_MAGIC + b"x")).image == PNG_MAGIC + b"x"


@pytest.mark.parametrize(
    "label",
    ["", "   ", "\t", "bad\x00label", "a\nb", "bell\x07", "del\x7f", "esc\x1b[31m", "x" * 65],
)
def test_bad_labels_are_invalid(label):
    reject(job_frame(label=label), "invalid", "label")


def test_label_length_and_characters_at_the_edges():
    assert decode(job_frame(label="x" * 64)).label == "x" * 64
    assert decode(job_frame(label="Äpfel 🍎")).label == "Äpfel 🍎"
    reject(job_frame(label="c1\x85"), "invalid", "label contains a control character (U+0085)")


@pytest.mark.parametrize("prompt", ["", "  ", "line\nbreak", "x" * 301])
def test_bad_prompts_are_invalid(prompt):
    reject(job_frame(prompt=prompt), "invalid", "prompt")


def test_job_needs_a_preset_or_a_prompt():
    reject(job_frame(preset=None), "invalid", "preset or a prompt")
    reject(job_frame(preset=...), "invalid", "preset or a prompt")
    assert decode(job_frame(preset=None, prompt="a greener apple")).prompt == "a greener apple"
    reject(job_frame(preset="sparkles"), "invalid", "preset")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("change", -0.01),
        ("change", 1.01),
        ("change", -1e-300),
        ("num_images", 0),
        ("num_images", 9),
        ("seed", -1),
        ("seed", 2**32),
        ("created_at", -1.0),
        ("deadline", -0.5),
        ("job_id", ""),
        ("job_id", "a" * 65),
        ("job_id", "has space"),
        ("job_id", "plus+"),
        ("job_id", "hash#"),
        ("job_id", "a/b"),
        ("job_id", "trailing-newline\n"),
        ("kiosk_id", "ünïcode"),
        ("backend", "Classic"),
        ("backend", "a" * 33),
    ],
)
def test_out_of_range_values_are_invalid(field, value):
    reject(job_frame(**{field: value}), "invalid", field)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("change", 0.0),
        ("change", 1.0),
        ("num_images", 1),
        ("num_images", 8),
        ("seed", 0),
        ("seed", 2**32 - 1),
    ],
)
def test_values_at_the_edges_are_valid(field, value):
    assert getattr(decode(job_frame(**{field: value})), field) == value


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("num_images", "4"),
        ("num_images", True),
        ("num_images", 4.0),
        ("num_images", [4]),
        ("change", "0.5"),
        ("change", True),
        ("seed", "7"),
        ("seed", 7.0),
        ("created_at", "1700000000"),
        ("job_id", 12345),
        ("label", ["apple"]),
        ("preset", 1),
        ("prompt", 7),
    ],
)
def test_type_coercion_is_refused(field, value):
    reject(job_frame(**{field: value}), "invalid", field)


def test_coercion_is_refused_in_events_too():
    reject(done_json(num_images="2"), "invalid", "num_images")
    reject(done_json(elapsed_s="1.5"), "invalid", "elapsed_s")
    reject(done_json(num_images=False), "invalid", "num_images")


def test_encode_refuses_an_oversized_frame():
    image = JPEG_MAGIC + bytes(limits.MAX_FRAME_BYTES)
    job = GenerationJob.model_construct(**job_header(preset=Preset.NEW_COLOUR), image=image, mask=None)
    with pytest.raises(ProtocolError) as info:
        encode(job)
    assert info.value.code == "too_large"
    assert str(limits.MAX_FRAME_BYTES) in str(info.value)


@pytest.mark.parametrize("blob", [False, True])
def test_encode_refuses_an_oversized_header(blob):
    if blob:
        message = GenerationJob.model_construct(
            **job_header(label="x" * limits.MAX_HEADER_BYTES, preset=Preset.NEW_COLOUR),
            image=IMAGE,
            mask=None,
        )
    else:
        message = WorkerStatus.model_construct(
            worker_id="w", state="online", version="x" * limits.MAX_HEADER_BYTES, at=1.0
        )
    with pytest.raises(ProtocolError) as info:
        encode(message)
    assert info.value.code == "too_large"
    assert "header" in str(info.value)


def test_error_messages_never_echo_image_bytes():
    secret_image = JPEG_MAGIC + SECRET * 100
    secret_mask = JPEG_MAGIC + SECRET * 100  # wrong format, so the mask is reported
    data = job_frame(
        image=secret_image, mask=secret_mask, num_images=0, seed=-1, change=2.0, label="", surprise="x"
    )
    with pytest.raises(ProtocolError) as info:
        decode(data)
    error = info.value
    assert error.code == "invalid"
    assert "more" in str(error), "several errors are summarised"
    for text in (str(error), repr(error), error.message, "".join(traceback.format_exception(error))):
        assert "SECRET" not in text
    assert error.__cause__ is None and error.__suppress_context__


# --- describe_validation_error -------------------------------------------------------------------


def _validation_error(model: type[WireModel], data: dict) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return info.value


def test_summary_names_at_most_three_errors_and_counts_the_rest():
    error = _validation_error(GenerationJob, {})
    count = error.error_count()
    assert count > 4
    parts = describe_validation_error(error).split("; ")
    assert len(parts) == 4
    assert parts[-1] == f"and {count - 3} more"
    first = error.errors()[0]
    assert parts[0] == f"{first['loc'][0]}: {first['msg']}"

    parts = describe_validation_error(error, limit=1).split("; ")
    assert parts[1:] == [f"and {count - 1} more"]
    assert len(describe_validation_error(error, limit=count).split("; ")) == count


def test_summary_without_extra_errors_has_no_tail():
    one = _validation_error(JobDone, {"job_id": "j", "worker_id": "w", "num_images": 9, "elapsed_s": 1.0})
    assert one.error_count() == 1
    assert describe_validation_error(one) == f"num_images: {one.errors()[0]['msg']}"

    three = _validation_error(JobDone, {"job_id": "", "worker_id": "", "num_images": 9, "elapsed_s": 1.0})
    assert three.error_count() == 3
    summary = describe_validation_error(three)
    assert "more" not in summary
    assert summary.count("; ") == 2


def test_summary_locations():
    model_level = _validation_error(
        GenerationJob, {**job_header(v=PROTOCOL_VERSION, preset=None), "image": IMAGE}
    )  # the model validator's error has no location
    assert describe_validation_error(model_level).startswith("message: ")

    deep = _validation_error(
        JobImage,
        {
            "job_id": "j",
            "worker_id": "w",
            "index": 0,
            "total": 1,
            "image": IMAGE,
            "recipe": {"backend": "classic", "change": 0.5, "seed": 1, "index": 99, "whole_image": True},
        },
    )
    assert describe_validation_error(deep).startswith("recipe.index: ")


def test_summary_never_echoes_input():
    error = _validation_error(
        GenerationJob,
        {
            **job_header(v=PROTOCOL_VERSION, label=SECRET.decode()),
            "image": b"GIF89a" + SECRET,
            "num_images": 0,
        },
    )
    assert "SECRET" not in describe_validation_error(error)
    assert "SECRET" in str(error), "pydantic itself would have echoed it"


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(GenerationJob.model_fields)), json_values))
def test_summary_is_always_short(data):
    try:
        GenerationJob.model_validate(data)
    except ValidationError as error:
        summary = describe_validation_error(error)
        assert 1 <= len(summary.split("; ")) <= 4
        if error.error_count() > 3:
            assert summary.endswith(f"and {error.error_count() - 3} more")

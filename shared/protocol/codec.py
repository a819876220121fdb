"""Bytes on the wire <-> message models.

Two encodings, told apart by the first byte:

* a message without image bytes is plain UTF-8 JSON (``{...}``), so status
  and events can be read with ``mosquitto_sub``;
* a message with image bytes is a frame::

      b"TB" | version (1 byte) | header length (4 bytes, big endian) | header JSON | blobs

  where the header names each blob and its length (``"_blobs": [["image", n], ...]``)
  and the blobs follow back to back, raw.

`decode` turns *any* byte string into either a valid message or a
`ProtocolError`; nothing else escapes it (property-tested).
"""

from __future__ import annotations

import json
import struct

from annotated_types import MaxLen
from pydantic import ValidationError

from shared.protocol import limits
from shared.protocol.errors import ProtocolError
from shared.protocol.messages import MESSAGE_TYPES, PROTOCOL_VERSION, WireModel

FRAME_MAGIC = b"TB"
_FRAME_PREFIX = struct.Struct(">2sBI")
_BLOBS_KEY = "_blobs"


def encode(message: WireModel) -> bytes:
    """Serialise a message, enforcing the same size limits the receiver will."""
    blob_names = [name for name in message.BLOB_FIELDS if getattr(message, name) is not None]
    header = message.model_dump(mode="json", exclude=set(message.BLOB_FIELDS))
    if not blob_names:
        data = _dump_json(header)
        if len(data) > limits.MAX_HEADER_BYTES:
            raise ProtocolError(
                "too_large", f"message header is {len(data)} bytes (limit {limits.MAX_HEADER_BYTES})"
            )
        return data
    blobs = [bytes(getattr(message, name)) for name in blob_names]
    header[_BLOBS_KEY] = [[name, len(blob)] for name, blob in zip(blob_names, blobs, strict=True)]
    header_bytes = _dump_json(header)
    if len(header_bytes) > limits.MAX_HEADER_BYTES:
        raise ProtocolError(
            "too_large", f"message header is {len(header_bytes)} bytes (limit {limits.MAX_HEADER_BYTES})"
        )
    frame = b"".join(
        [_FRAME_PREFIX.pack(FRAME_MAGIC, PROTOCOL_VERSION, len(header_bytes)), header_bytes, *blobs]
    )
    if len(frame) > limits.MAX_FRAME_BYTES:
        raise ProtocolError("too_large", f"message is {len(frame)} bytes (limit {limits.MAX_FRAME_BYTES})")
    return frame


def decode(data: bytes | bytearray | memoryview) -> WireModel:
    """Parse and validate one message; raises `ProtocolError` for anything else."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ProtocolError("malformed", f"expected bytes, got {type(data).__name__}")
    data = bytes(data)
    if len(data) > limits.MAX_FRAME_BYTES:
        raise ProtocolError("too_large", f"message is {len(data)} bytes (limit {limits.MAX_FRAME_BYTES})")
    if data.startswith(FRAME_MAGIC):
        header, blobs = _split_frame(data)
    elif data.startswith(b"{"):
        if len(data) > limits.MAX_HEADER_BYTES:
            raise ProtocolError(
                "too_large", f"JSON message is {len(data)} bytes (limit {limits.MAX_HEADER_BYTES})"
            )
        header, blobs = _parse_header(data), {}
        if _BLOBS_KEY in header:
            raise ProtocolError("malformed", f"plain JSON message may not declare {_BLOBS_KEY!r}")
    else:
        raise ProtocolError("malformed", "not a TeachBooth message (neither JSON nor a TB frame)")
    return _validate(header, blobs)


def _dump_json(header: dict[str, object]) -> bytes:
    return json.dumps(header, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def _split_frame(data: bytes) -> tuple[dict[str, object], dict[str, bytes]]:
    if len(data) < _FRAME_PREFIX.size:
        raise ProtocolError("malformed", "frame is shorter than its prefix")
    _, version, header_len = _FRAME_PREFIX.unpack_from(data)
    if version != PROTOCOL_VERSION:
        raise ProtocolError(
            "unsupported_version", f"frame version {version}, this side speaks {PROTOCOL_VERSION}"
        )
    if header_len > limits.MAX_HEADER_BYTES:
        raise ProtocolError(
            "too_large", f"frame header is {header_len} bytes (limit {limits.MAX_HEADER_BYTES})"
        )
    body_start = _FRAME_PREFIX.size + header_len
    if body_start > len(data):
        raise ProtocolError("malformed", "frame is shorter than its declared header")
    header = _parse_header(data[_FRAME_PREFIX.size : body_start])
    declared = header.pop(_BLOBS_KEY, None)
    blobs = _cut_blobs(declared, data[body_start:])
    return header, blobs


def _cut_blobs(declared: object, body: bytes) -> dict[str, bytes]:
    if not isinstance(declared, list) or not declared:
        raise ProtocolError("malformed", f"frame header lacks a non-empty {_BLOBS_KEY!r} list")
    blobs: dict[str, bytes] = {}
    offset = 0
    for entry in declared:
        if not (
            isinstance(entry, list)
            and len(entry) == 2
            and isinstance(entry[0], str)
            and type(entry[1]) is int
            and entry[1] >= 0
        ):
            raise ProtocolError("malformed", f"bad blob entry {entry!r:.80}")
        name, size = entry
        if name in blobs:
            raise ProtocolError("malformed", f"blob {name!r} declared twice")
        blobs[name] = body[offset : offset + size]
        offset += size
    if offset != len(body):
        raise ProtocolError("malformed", f"frame body is {len(body)} bytes, its header declares {offset}")
    return blobs


def _parse_header(raw: bytes) -> dict[str, object]:
    try:
        header = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ProtocolError("malformed", f"header is not UTF-8: {exc.reason}") from None
    except RecursionError:
        raise ProtocolError("malformed", "header JSON is nested too deeply") from None
    except ValueError as exc:
        raise ProtocolError("malformed", f"header is not JSON: {exc}") from None
    if not isinstance(header, dict):
        raise ProtocolError("malformed", "header JSON is not an object")
    return header


def _validate(header: dict[str, object], blobs: dict[str, bytes]) -> WireModel:
    version = header.get("v", PROTOCOL_VERSION)
    if type(version) is not int or version != PROTOCOL_VERSION:  # `true` and `2.0` are not 2
        raise ProtocolError(
            "unsupported_version", f"message version {version!r:.20}, expected {PROTOCOL_VERSION}"
        )
    kind = header.get("type")
    model = MESSAGE_TYPES.get(kind) if isinstance(kind, str) else None
    if model is None:
        raise ProtocolError("invalid", f"unknown message type {kind!r:.40}")
    unexpected = set(blobs) - set(model.BLOB_FIELDS)
    if unexpected:
        raise ProtocolError("invalid", f"{kind} message has no binary field {sorted(unexpected)[0]!r:.40}")
    for name, blob in blobs.items():
        limit = _max_length(model, name)
        if limit is not None and len(blob) > limit:
            raise ProtocolError("too_large", f"{kind} {name} is {len(blob)} bytes (limit {limit})")
    overlap = set(blobs) & set(header)
    if overlap:
        raise ProtocolError("invalid", f"field {sorted(overlap)[0]!r} given both as JSON and as a blob")
    try:
        return model.model_validate({**header, **blobs})
    except ValidationError as exc:
        raise ProtocolError("invalid", describe_validation_error(exc)) from None
    except RecursionError:
        raise ProtocolError("malformed", "message is nested too deeply") from None


def _max_length(model: type[WireModel], field: str) -> int | None:
    """The size limit declared on a blob field, so oversized images get their own failure code."""
    for constraint in model.model_fields[field].metadata:
        if isinstance(constraint, MaxLen):
            return constraint.max_length
    return None


def describe_validation_error(exc: ValidationError, limit: int = 3) -> str:
    """A short, readable summary of pydantic's errors (never echoes image bytes)."""
    parts = []
    for error in exc.errors(include_url=False, include_input=False)[:limit]:
        where = ".".join(f"{loc!s:.40}" for loc in error["loc"]) or "message"  # field names can be hostile
        parts.append(f"{where}: {error['msg']:.200}")
    more = exc.error_count() - limit
    if more > 0:
        parts.append(f"and {more} more")
    return "; ".join(parts)

"""Hand-built wire frames, for messages the real encoder would never produce."""

from __future__ import annotations

import json
import struct

from shared.protocol import PROTOCOL_VERSION, WireModel


def raw_frame(header: dict, blobs: list[tuple[str, bytes]], version: int = PROTOCOL_VERSION) -> bytes:
    header = {**header, "_blobs": [[name, len(blob)] for name, blob in blobs]}
    header_bytes = json.dumps(header).encode()
    return (
        struct.pack(">2sBI", b"TB", version, len(header_bytes)) + header_bytes + b"".join(b for _, b in blobs)
    )


def with_extra_fields(message: WireModel, **extra) -> bytes:
    """The message's frame with fields its schema does not know."""
    header = message.model_dump(mode="json", exclude=set(message.BLOB_FIELDS)) | extra
    blobs = [
        (name, getattr(message, name)) for name in message.BLOB_FIELDS if getattr(message, name) is not None
    ]
    return raw_frame(header, blobs)

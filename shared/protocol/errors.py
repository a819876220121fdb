"""The one error type a decoder raises.

Services catch exactly this to turn any bad input into a `failed` event with
a reason instead of a crash, so every decoding path must funnel into it.
"""

from __future__ import annotations


class ProtocolError(ValueError):
    """A byte string or message that is not a valid TeachBooth v1 message.

    `code` is a stable machine-readable reason (``malformed``, ``too_large``,
    ``invalid``, ``unsupported_version``); the message is for people.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

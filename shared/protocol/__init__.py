"""The TeachBooth wire protocol (version `PROTOCOL_VERSION`): message models, topics, encoding and limits."""

from shared.protocol.codec import decode, encode
from shared.protocol.errors import ProtocolError
from shared.protocol.messages import (
    PROTOCOL_VERSION,
    TERMINAL_EVENTS,
    FailureCode,
    GenerationJob,
    ImageRecipe,
    JobAccepted,
    JobCancel,
    JobDone,
    JobEvent,
    JobFailed,
    JobImage,
    JobProgress,
    KioskStatus,
    WireModel,
    WorkerStatus,
)

__all__ = [
    "PROTOCOL_VERSION",
    "TERMINAL_EVENTS",
    "FailureCode",
    "GenerationJob",
    "ImageRecipe",
    "JobAccepted",
    "JobCancel",
    "JobDone",
    "JobEvent",
    "JobFailed",
    "JobImage",
    "JobProgress",
    "KioskStatus",
    "ProtocolError",
    "WireModel",
    "WorkerStatus",
    "decode",
    "encode",
]

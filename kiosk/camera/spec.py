"""Camera spec strings, as written in the config, on the command line and in tests.

    replay:PATH[?fps=F][&loop=0|1][&size=WxH]   folder of images, one image, or a video file
    opencv[:N | :/dev/videoN][?fps=F][&size=WxH] USB webcam (default N = 0)
    picamera2[:N][?fps=F][&size=WxH][&main=WxH] Raspberry Pi camera (default camera 0)

Options follow the last `?` as key=value pairs joined by `&`; a `?` that is not followed by such
pairs is part of the path, and a path that itself holds `?` is written with a trailing `?`
(`replay:odd?name=1?` is the path `odd?name=1`). `fps=0` means as fast as possible. Options in the
spec take precedence over the `size`/`fps` arguments of `open_camera`, which are defaults.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["replay", "opencv", "picamera2"]

VALID_FORMS = (
    "replay:PATH[?fps=F&loop=0|1&size=WxH] (a folder of images, an image or a video file), "
    "opencv[:N|:/dev/videoN][?fps=F&size=WxH] (a USB webcam), "
    "picamera2[:N][?fps=F&size=WxH&main=WxH] (the Raspberry Pi camera)"
)

_OPTIONS: dict[str, frozenset[str]] = {
    "replay": frozenset({"fps", "loop", "size"}),
    "opencv": frozenset({"fps", "size"}),
    "picamera2": frozenset({"fps", "size", "main"}),
}
_QUERY = re.compile(r"[a-z_]+=[^&=]*(?:&[a-z_]+=[^&=]*)*")
_SIZE = re.compile(r"(\d{1,5})[xX](\d{1,5})")


@dataclass(frozen=True, slots=True)
class CameraSpec:
    kind: Kind
    target: str  # replay: the path; opencv: index or device path; picamera2: camera number
    fps: float | None = None
    size: tuple[int, int] | None = None
    loop: bool = True
    main_size: tuple[int, int] | None = None

    def __str__(self) -> str:
        options = []
        if self.fps is not None:
            options.append(f"fps={self.fps:g}")
        if self.size is not None:
            options.append(f"size={self.size[0]}x{self.size[1]}")
        if not self.loop:
            options.append("loop=0")
        if self.main_size is not None:
            options.append(f"main={self.main_size[0]}x{self.main_size[1]}")
        text = f"{self.kind}:{self.target}"
        # A path with a `?` in it gets a `?` after it, so that what follows its own `?` is not
        # mistaken for options.
        return f"{text}?{'&'.join(options)}" if options or "?" in self.target else text


def _bad(spec: str, why: str) -> ValueError:
    return ValueError(f"bad camera spec {spec!r}: {why}; valid forms: {VALID_FORMS}")


def _parse_size(spec: str, key: str, value: str) -> tuple[int, int]:
    match = _SIZE.fullmatch(value)
    if not match or not all(1 <= int(v) <= 8192 for v in match.groups()):
        raise _bad(spec, f"{key}={value!r} is not WxH with sides from 1 to 8192")
    return int(match[1]), int(match[2])


def _parse_fps(spec: str, value: str) -> float:
    try:
        fps = float(value)
    except ValueError:
        fps = math.nan
    if not (math.isfinite(fps) and 0 <= fps <= 1000):
        raise _bad(spec, f"fps={value!r} is not a number from 0 to 1000 (0: as fast as possible)")
    return fps


def _parse_bool(spec: str, key: str, value: str) -> bool:
    lowered = value.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise _bad(spec, f"{key}={value!r} is not 0 or 1")


def _is_query(text: str) -> bool:
    return text == "" or _QUERY.fullmatch(text) is not None


def parse_spec(spec: str) -> CameraSpec:
    """Parse a camera spec string; ValueError (listing the valid forms) when it is not one."""
    if not isinstance(spec, str) or not spec.strip():
        raise _bad(str(spec), "empty")
    text = spec.strip()
    kind, _, rest = text.partition(":")
    kind = kind.lower()
    body, query = rest, ""
    if "?" in rest:
        head, _, tail = rest.rpartition("?")
        if _is_query(tail):
            body, query = head, tail
    if "?" in kind:  # `opencv?fps=5`, `picamera2?main=...`: options without a target
        kind, _, query = kind.partition("?")
        if rest or not _is_query(query):
            raise _bad(spec, "options must come after the target")
    if kind not in _OPTIONS:
        raise _bad(spec, f"unknown camera kind {kind!r}")

    if kind == "replay":
        if not body:
            raise _bad(spec, "replay needs a path")
        target = body
    elif kind == "opencv":
        target = body or "0"
        if not (target.isdigit() or target.startswith("/dev/")):
            raise _bad(spec, f"{target!r} is neither a device number nor a /dev/ path")
    else:
        target = body or "0"
        if not target.isdigit():
            raise _bad(spec, f"{target!r} is not a camera number")

    values: dict[str, object] = {}
    seen: set[str] = set()
    for pair in query.split("&") if query else []:
        key, _, value = pair.partition("=")
        if key not in _OPTIONS[kind]:
            raise _bad(spec, f"{kind} takes the options {', '.join(sorted(_OPTIONS[kind]))}, not {key!r}")
        if key in seen:
            raise _bad(spec, f"option {key!r} is given twice")
        seen.add(key)
        if key == "fps":
            values[key] = _parse_fps(spec, value)
        elif key == "loop":
            values[key] = _parse_bool(spec, key, value)
        else:
            values["main_size" if key == "main" else key] = _parse_size(spec, key, value)
    return CameraSpec(kind=kind, target=target, **values)  # type: ignore[arg-type]

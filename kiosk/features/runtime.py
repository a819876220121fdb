"""Which TFLite interpreter runs the backbone.

`ai_edge_litert` (package `ai-edge-litert`, the maintained successor of `tflite_runtime`) is
preferred; `tflite_runtime` (package `tflite-runtime`) is the fallback where that is what a Pi
image has. Both are imported only when a model is loaded, so importing the kiosk stays cheap.

Both run the committed models correctly, but tflite-runtime 2.14 (its last release) is slower:
measured on this project's 2-core x86 machine, fp32 13 ms/frame against 7-8 ms with ai-edge-litert
2.3, and the int8 model ~110 ms against ~8 ms, since its XNNPACK delegate takes none of that graph.
ai-edge-litert has Python 3.11 wheels for x86-64 and aarch64 (Raspberry Pi OS Bookworm).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from .graph import with_outputs  # relative: model bundles carry this file in another package

RUNTIMES = ("ai_edge_litert.interpreter", "tflite_runtime.interpreter")
"""Modules tried in order; each must provide an `Interpreter` class."""

INSTALL_HINT = "pip install 'ai-edge-litert>=2.3' (or, on older images, pip install tflite-runtime)"


class RuntimeMissing(ImportError):
    """No TFLite runtime is installed."""


def interpreter_class() -> tuple[type, str]:
    """(the Interpreter class, the module it came from) of the first runtime that imports."""
    failures = []
    for name in RUNTIMES:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            failures.append(f"{name}: {exc}")
            continue
        return module.Interpreter, name
    raise RuntimeMissing(
        "no TFLite runtime is installed; the kiosk's backbone needs one: "
        f"{INSTALL_HINT}. Tried: " + "; ".join(failures)
    )


def load_interpreter(
    path: str | Path, num_threads: int | None = None, extra_outputs: tuple[int, ...] = ()
) -> Any:
    """An interpreter for the .tflite file at `path`, tensors allocated, ready to invoke.

    `extra_outputs` are tensor indices to read after `invoke` besides the model's own outputs (its
    feature maps, `graph.py`): the file is loaded with them added to its graph's outputs.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no TFLite model at {path}")
    cls, _module = interpreter_class()
    try:
        if extra_outputs:
            content = with_outputs(path.read_bytes(), extra_outputs)
            interpreter = cls(model_content=content, num_threads=num_threads)
        else:
            interpreter = cls(model_path=str(path), num_threads=num_threads)
        interpreter.allocate_tensors()
    except (RuntimeError, ValueError) as exc:
        raise ValueError(f"{path} is not a TFLite model this runtime can run: {exc}") from exc
    return interpreter

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from kiosk.features import runtime
from kiosk.features.backbone import Backbone

REPO = Path(__file__).resolve().parents[3]
EXPORT_SCRIPT = REPO / "tools" / "export_backbone.py"


def _load_export_tool() -> ModuleType:
    if (module := sys.modules.get("export_backbone")) is not None:
        return module
    spec = importlib.util.spec_from_file_location("export_backbone", EXPORT_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["export_backbone"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def export_tool() -> ModuleType:
    """tools/export_backbone.py as a module (its torch imports are lazy)."""
    return _load_export_tool()


@pytest.fixture(scope="session")
def tflite_runtime_name() -> str:
    """The TFLite runtime module in use; skips the test where none is installed."""
    try:
        _cls, name = runtime.interpreter_class()
    except runtime.RuntimeMissing as exc:
        pytest.skip(str(exc))
    return name


@pytest.fixture(scope="session")
def backbone() -> Backbone:
    """The committed fp32 EfficientNet-Lite0, loaded once per test session."""
    return Backbone()

from __future__ import annotations

import pytest

from kiosk.features.backbone import Backbone


@pytest.fixture(scope="session")
def backbone() -> Backbone:
    """The committed fp32 EfficientNet-Lite0: real features, loaded once per test session."""
    return Backbone()

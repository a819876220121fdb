"""The classic variation engine: CPU-only, mask-aware image variations.

It lives in `shared` so that the GPU worker offers it as its always-available
backend and the kiosk can run it itself when no worker is reachable. Only
NumPy and Pillow are needed.
"""

from shared.variations.engine import SUPPORTED_PRESETS, ClassicEngine, UnsupportedPreset, Variation

__all__ = ["SUPPORTED_PRESETS", "ClassicEngine", "UnsupportedPreset", "Variation"]

"""Engine policies for tests whose worker runs a test backend ("gated", "failing")."""

from __future__ import annotations

from kiosk.generation.engine_policy import BACKENDS, PREFERENCES, BackendTraits, EnginePolicy


def only(backend: str, reads_text: bool = False) -> EnginePolicy:
    """Every row of the real table asks for `backend` first, then what it asked for before; the
    kiosk's classic engine stays the offline fallback."""
    traits = {**BACKENDS, backend: BackendTraits(f"{backend} engine", reads_text, False, False)}
    return EnginePolicy({preset: (backend, *names) for preset, names in PREFERENCES.items()}, traits)

"""The presets a visitor picks from instead of writing a prompt.

The research prototype showed that people did not know what to ask a
generator for; a short list of named intents ("new colour", "new background")
is what the kiosk offers, and each backend decides how to realise them.
The names are part of the wire protocol, so they live here and nowhere else.
"""

from __future__ import annotations

from enum import StrEnum


class Preset(StrEnum):
    """What a variation should change about the sample."""

    NEW_COLOUR = "new_colour"
    NEW_BACKGROUND = "new_background"
    DIFFERENT_LIGHT = "different_light"
    NEW_ANGLE = "new_angle"
    MIX = "mix"
    RIPER = "riper"
    ROTTEN = "rotten"
    UNRIPE = "unripe"

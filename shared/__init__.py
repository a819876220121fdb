"""What the kiosk and the GPU worker share: the wire protocol and the classic variation engine.

Nothing here imports torch, Textual or camera code, so both sides (and a
third-party client) can depend on it cheaply.
"""

__version__ = "0.1.0"

"""Image features for the kiosk: a frozen TFLite backbone (see `backbone.py`) and its runtime shim."""

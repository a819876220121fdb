"""Widgets of the kiosk app; each styles itself with DEFAULT_CSS, the app's look is teachbooth.tcss."""

"""Everything that runs on the kiosk (the Raspberry Pi)."""

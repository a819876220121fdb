"""`teachbooth` subcommands that belong to neither the kiosk nor the worker (fleet administration)."""

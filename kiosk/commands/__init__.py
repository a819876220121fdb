"""The kiosk's `teachbooth` subcommands, one module each (see `teachbooth.cli`)."""

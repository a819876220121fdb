"""The `--broker` option every networked command takes, with its value also read from the environment.

A broker URL carries the machine's password. On a command line it shows in
`ps` to every user of the machine; from $TEACHBOOTH_BROKER (set by the
systemd unit's 0600 EnvironmentFile, written by `teachbooth provision`) it
does not. The option still wins when given, for a quick manual run.
"""

from __future__ import annotations

import argparse
import os

BROKER_ENV = "TEACHBOOTH_BROKER"


def add_broker_option(parser: argparse.ArgumentParser, required: bool = True) -> None:
    """Add `--broker`; required (unless `required` is False) only when $TEACHBOOTH_BROKER is not set."""
    from_env = os.environ.get(BROKER_ENV) or None
    parser.add_argument(
        "--broker",
        default=from_env,
        required=required and from_env is None,
        help=f"mqtt://[user:pass@]host[:port] or mqtts://... (default: ${BROKER_ENV}, kept out of `ps`)",
    )

"""Create the broker's CA, certificate and dynamic-security file, and each kiosk's, worker's, station's
and reader's credentials.

Example: teachbooth provision --out fleet/ --broker-host broker.lan --kiosks k1,k2 --workers w1 --stations s1

Add --readers plc1,dashboard for what acts on the stations' verdicts (a PLC gateway, a line
dashboard): each reader may subscribe to every station's verdicts and status, and publish nothing.

Every file lands under --out, grouped by the machine it is copied to
(systemd/README.md says where). Passwords stay in 0600 files; the summary
printed here hides them unless --show-secrets. An existing --out is refused
unless --force, which replaces every credential (redeploy them all).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shared.provisioning.fleet import Fleet, FleetError, split_ids
from shared.provisioning.provision import DYNSEC_FILE, Provisioned, provision
from shared.provisioning.secret_files import ExistingOutput
from shared.provisioning.snippets import BROKER_DIR, MACHINE_DIR, redact


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True, help="folder for everything this writes")
    parser.add_argument("--broker-host", required=True, help="name or IP address kiosks use for the broker")
    parser.add_argument("--port", type=int, default=8883, help="the broker's TLS port (default 8883)")
    parser.add_argument("--kiosks", required=True, help="comma-separated kiosk ids, e.g. k1,k2")
    parser.add_argument("--workers", required=True, help="comma-separated worker ids, e.g. w1")
    parser.add_argument(
        "--stations", default="", help="comma-separated inspection station ids, e.g. s1 (default: none)"
    )
    parser.add_argument(
        "--readers",
        default="",
        help="comma-separated ids of what reads the stations' verdicts and status, and nothing else"
        " (a PLC gateway, a line dashboard), e.g. plc1,dashboard (default: none)",
    )
    parser.add_argument("--force", action="store_true", help="replace existing files (new CA, new passwords)")
    parser.add_argument("--show-secrets", action="store_true", help="print passwords in the summary too")


def run(args: argparse.Namespace) -> int:
    try:
        fleet = Fleet(
            broker_host=args.broker_host,
            kiosks=split_ids(args.kiosks),
            workers=split_ids(args.workers),
            port=args.port,
            stations=_optional_ids(args.stations),
            readers=_optional_ids(args.readers),
        )
        result = provision(args.out, fleet, force=args.force)
    except (FleetError, ExistingOutput) as exc:
        print(f"teachbooth provision: {exc}", file=sys.stderr)
        return 2
    print(summary(result, args.show_secrets))
    return 0


def _optional_ids(text: str) -> tuple[str, ...]:
    """Stations and readers may be left out (an empty option); kiosks and workers may not."""
    return split_ids(text) if text else ()


def summary(result: Provisioned, show_secrets: bool) -> str:
    """What to copy where, and each machine's env file."""
    out = result.out
    lines = [
        f"Broker: copy {out}/broker/* to {BROKER_DIR}/ (server.key and {DYNSEC_FILE} owned by mosquitto,"
        " mode 0600)",
        "        and systemd/mosquitto/teachbooth.conf to /etc/mosquitto/conf.d/",
        f"CA key: {out}/ca/ca.key signs broker certificates; keep it offline",
    ]
    for (kind, machine), env in result.envs.items():
        lines += [
            "",
            f"{kind.capitalize()} {machine}: copy {out}/{kind}/{machine}/* to {MACHINE_DIR}/",
            *(f"    {line}" for line in env.splitlines()),
        ]
    text = "\n".join(lines)
    return text if show_secrets else redact(text, list(result.passwords.values()))

"""One provisioning run: every file a fleet needs, laid out by the machine it goes to.

    OUT/ca/                 ca.crt, ca.key (keep the key offline: it can mint brokers)
    OUT/broker/             ca.crt, server.crt, server.key, dynamic-security.json
                            -> /etc/mosquitto/teachbooth/
    OUT/kiosk/<id>/         ca.crt, kiosk.env   -> /etc/teachbooth/
    OUT/worker/<id>/        ca.crt, worker.env  -> /etc/teachbooth/
    OUT/station/<id>/       ca.crt, station.env -> /etc/teachbooth/
    OUT/reader/<id>/        ca.crt, reader.env  -> /etc/teachbooth/ (on the PLC gateway, the dashboard)

Existing files are refused before anything is written, so a refused run
leaves the folder exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from shared.provisioning.certificates import make_ca, make_server_certificate
from shared.provisioning.dynsec import render_dynsec
from shared.provisioning.fleet import Fleet, MemberKind
from shared.provisioning.passwords import new_password
from shared.provisioning.secret_files import ExistingOutput, write_public, write_secret
from shared.provisioning.snippets import member_env

DYNSEC_FILE = "dynamic-security.json"
"""The broker's clients, password hashes and roles; systemd/mosquitto/teachbooth.conf names it."""


@dataclass(frozen=True)
class Provisioned:
    """What a run wrote: the env snippet per machine and the passwords (to redact when shown)."""

    out: Path
    envs: dict[tuple[MemberKind, str], str] = field(default_factory=dict)
    """Each member's env file, by (kind, id), in the fleet's order."""
    passwords: dict[str, str] = field(default_factory=dict)


def planned_files(out: Path, fleet: Fleet) -> list[Path]:
    files = [out / "ca" / "ca.crt", out / "ca" / "ca.key"]
    files += [out / "broker" / name for name in ("ca.crt", "server.crt", "server.key", DYNSEC_FILE)]
    files += [
        out / kind / member / name for kind, member in fleet.members for name in ("ca.crt", f"{kind}.env")
    ]
    return files


def provision(out: Path, fleet: Fleet, *, force: bool = False) -> Provisioned:
    """Write the fleet's files under `out`."""
    existing = [path for path in planned_files(out, fleet) if path.exists()]
    if existing and not force:
        shown = ", ".join(str(path.relative_to(out)) for path in existing[:5])
        more = f" and {len(existing) - 5} more" if len(existing) > 5 else ""
        raise ExistingOutput(f"{out} already holds {shown}{more}; pass --force to replace them all")

    ca = make_ca()
    server = make_server_certificate(ca, fleet.broker_host)
    passwords = {user: new_password() for user in fleet.users}
    write_secret(out / "ca" / "ca.key", ca.key_pem, force=force)
    for folder in [out / "ca", out / "broker"] + [out / kind / member for kind, member in fleet.members]:
        write_public(folder / "ca.crt", ca.certificate_pem, force=force)

    broker = out / "broker"
    write_public(broker / "server.crt", server.certificate_pem, force=force)
    write_secret(broker / "server.key", server.key_pem, force=force)
    write_secret(broker / DYNSEC_FILE, render_dynsec(fleet, passwords).encode(), force=force)

    result = Provisioned(out=out, passwords=passwords)
    for kind, member in fleet.members:
        env = result.envs[kind, member] = member_env(fleet, kind, member, passwords[member])
        write_secret(out / kind / member / f"{kind}.env", env.encode(), force=force)
    return result

"""What each machine is told: its broker URL and the environment file its unit reads.

Everything a fleet member needs to reach the broker fits in one
``mqtts://`` URL (see `shared.mqtt.url`), carried by the env file that the
systemd unit loads (``EnvironmentFile=/etc/teachbooth/<role>.env``).
"""

from __future__ import annotations

from urllib.parse import quote

from shared.provisioning.fleet import Fleet, MemberKind

MACHINE_DIR = "/etc/teachbooth"
"""Where a kiosk or worker keeps its CA certificate and env file."""

BROKER_DIR = "/etc/mosquitto/teachbooth"
"""Where the shipped mosquitto configuration looks for certificates, passwords and the ACL."""

CA_FILE = f"{MACHINE_DIR}/ca.crt"


def broker_url(fleet: Fleet, user: str, password: str, ca_file: str = CA_FILE) -> str:
    """`user`'s connection, with the one client id the broker lets it use (its id, `dynsec.py`)."""
    host = f"[{fleet.broker_host}]" if ":" in fleet.broker_host else fleet.broker_host
    credentials = f"{quote(user, safe='')}:{quote(password, safe='')}"
    return f"mqtts://{credentials}@{host}:{fleet.port}?ca={ca_file}&client_id={user}"


def member_env(fleet: Fleet, kind: MemberKind, member_id: str, password: str) -> str:
    """The env file of a kiosk, worker, station or reader: its id and its broker URL (and a worker's GPU)."""
    text = (
        f"# {MACHINE_DIR}/{kind}.env for {kind} {member_id}, from `teachbooth provision`; keep it 0600.\n"
        f"TEACHBOOTH_{kind.upper()}_ID={member_id}\n"
        f"TEACHBOOTH_BROKER={broker_url(fleet, member_id, password)}\n"
    )
    if kind == "worker":
        text += "# Which GPU this worker uses (nvidia-smi -L lists them); empty runs on the CPU.\n"
        text += "CUDA_VISIBLE_DEVICES=0\n"
    return text


def redact(text: str, secrets: list[str]) -> str:
    """The snippet as it may be shown on a terminal: passwords stay in the 0600 files."""
    for secret in secrets:
        text = text.replace(secret, "***")
    return text

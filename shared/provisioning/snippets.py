"""What each machine is told: its broker URL and the environment file its unit reads.

Everything a kiosk or worker needs to reach the broker fits in one
``mqtts://`` URL (see `shared.mqtt.url`), carried by the env file that the
systemd unit loads (``EnvironmentFile=/etc/teachbooth/<role>.env``).
"""

from __future__ import annotations

from urllib.parse import quote

from shared.provisioning.fleet import Fleet

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


def kiosk_env(fleet: Fleet, kiosk_id: str, password: str) -> str:
    return (
        f"# {MACHINE_DIR}/kiosk.env for kiosk {kiosk_id}, from `teachbooth provision`; keep it 0600.\n"
        f"TEACHBOOTH_KIOSK_ID={kiosk_id}\n"
        f"TEACHBOOTH_BROKER={broker_url(fleet, kiosk_id, password)}\n"
    )


def worker_env(fleet: Fleet, worker_id: str, password: str) -> str:
    return (
        f"# {MACHINE_DIR}/worker.env for worker {worker_id}, from `teachbooth provision`; keep it 0600.\n"
        f"TEACHBOOTH_WORKER_ID={worker_id}\n"
        f"TEACHBOOTH_BROKER={broker_url(fleet, worker_id, password)}\n"
        "# Which GPU this worker uses (nvidia-smi -L lists them); empty runs on the CPU.\n"
        "CUDA_VISIBLE_DEVICES=0\n"
    )


def redact(text: str, secrets: list[str]) -> str:
    """The snippet as it may be shown on a terminal: passwords stay in the 0600 files."""
    for secret in secrets:
        text = text.replace(secret, "***")
    return text

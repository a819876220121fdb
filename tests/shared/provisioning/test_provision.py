from __future__ import annotations

import json
import stat

import pytest
from cryptography import x509

from shared.mqtt import BrokerUrl
from shared.provisioning.fleet import Fleet
from shared.provisioning.provision import planned_files, provision
from shared.provisioning.secret_files import ExistingOutput
from teachbooth.cli import main

FLEET = Fleet("broker.lan", ("k1", "k2"), ("w1",), stations=("s1",), readers=("plc1",))
SECRETS = {
    "ca.key",
    "server.key",
    "dynamic-security.json",
    "kiosk.env",
    "worker.env",
    "station.env",
    "reader.env",
}


def _env(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#"))


def test_every_planned_file_is_written_secrets_0600(tmp_path):
    provision(tmp_path, FLEET)
    for path in planned_files(tmp_path, FLEET):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o600 if path.name in SECRETS else 0o644), path


def test_each_machine_gets_a_broker_url_with_its_own_credentials_and_the_ca(tmp_path):
    result = provision(tmp_path, FLEET)
    for role, machine in (("kiosk", "k2"), ("worker", "w1"), ("station", "s1"), ("reader", "plc1")):
        env = _env((tmp_path / role / machine / f"{role}.env").read_text())
        assert env[f"TEACHBOOTH_{role.upper()}_ID"] == machine
        url = BrokerUrl.parse(env["TEACHBOOTH_BROKER"])
        assert (url.tls, url.host, url.port) == (True, "broker.lan", 8883)
        assert (url.username, url.password) == (machine, result.passwords[machine])
        assert url.ca_file == "/etc/teachbooth/ca.crt"
        assert url.client_id == machine, "the one client id the broker lets this machine use"
    assert len(set(result.passwords.values())) == 5


def test_every_copy_of_the_ca_is_the_one_that_signed_the_server(tmp_path):
    provision(tmp_path, FLEET)
    server = x509.load_pem_x509_certificate((tmp_path / "broker" / "server.crt").read_bytes())
    for copy in tmp_path.glob("**/ca.crt"):
        server.verify_directly_issued_by(x509.load_pem_x509_certificate(copy.read_bytes()))


def test_a_second_run_is_refused_and_changes_nothing(tmp_path):
    provision(tmp_path, FLEET)
    before = {path: path.read_bytes() for path in planned_files(tmp_path, FLEET)}
    with pytest.raises(ExistingOutput, match=r"already holds ca/ca\.crt.*--force"):
        provision(tmp_path, FLEET)
    assert {path: path.read_bytes() for path in planned_files(tmp_path, FLEET)} == before


def test_one_leftover_file_is_enough_to_refuse(tmp_path):
    (tmp_path / "worker" / "w1").mkdir(parents=True)
    (tmp_path / "worker" / "w1" / "worker.env").write_text("keep me")
    with pytest.raises(ExistingOutput, match=r"worker/w1/worker\.env"):
        provision(tmp_path, FLEET)
    assert not (tmp_path / "ca").exists()


def test_force_replaces_every_credential(tmp_path):
    first = provision(tmp_path, FLEET)
    old_key = (tmp_path / "ca" / "ca.key").read_bytes()
    second = provision(tmp_path, FLEET, force=True)
    assert (tmp_path / "ca" / "ca.key").read_bytes() != old_key
    assert all(first.passwords[user] != second.passwords[user] for user in FLEET.users)


def test_the_command_provisions_stations_given_with_stations(tmp_path, capsys):
    """`--stations` is optional (a fleet without stations is provisioned as before)."""
    args = ["provision", "--out", str(tmp_path), "--broker-host", "b", "--kiosks", "k1", "--workers", "w1"]
    assert main([*args, "--stations", "s1,s2"]) == 0
    printed = capsys.readouterr().out
    assert "Station s2: copy" in printed and "TEACHBOOTH_STATION_ID=s2" in printed
    document = json.loads((tmp_path / "broker" / "dynamic-security.json").read_text())
    assert [client["username"] for client in document["clients"]] == ["k1", "w1", "s1", "s2"]


def test_a_reader_s_files_go_to_a_folder_of_its_own(tmp_path):
    """What the PLC gateway or dashboard gets: the CA to trust the broker and its env file, nothing else."""
    provision(tmp_path, FLEET)
    assert sorted(path.name for path in (tmp_path / "reader" / "plc1").iterdir()) == ["ca.crt", "reader.env"]
    assert (tmp_path / "reader" / "plc1" / "ca.crt").read_bytes() == (tmp_path / "ca" / "ca.crt").read_bytes()


def test_the_command_provisions_readers_given_with_readers(tmp_path, capsys):
    """`--readers` is optional too; each reader is a client with a reader role of its own."""
    args = ["provision", "--out", str(tmp_path), "--broker-host", "b", "--kiosks", "k1", "--workers", "w1"]
    assert main([*args, "--stations", "s1", "--readers", "plc1, dashboard"]) == 0
    printed = capsys.readouterr().out
    assert "Reader dashboard: copy" in printed and "TEACHBOOTH_READER_ID=dashboard" in printed
    document = json.loads((tmp_path / "broker" / "dynamic-security.json").read_text())
    assert [client["username"] for client in document["clients"]] == ["k1", "w1", "s1", "plc1", "dashboard"]
    assert {"reader-plc1", "reader-dashboard"} <= {role["rolename"] for role in document["roles"]}


def test_the_command_refuses_a_reader_with_a_kiosk_s_id_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "fleet"
    args = ["provision", "--out", str(out), "--broker-host", "b", "--kiosks", "k1", "--workers", "w1"]
    assert main([*args, "--readers", "k1"]) == 2
    assert "ids used for a kiosk and a reader alike: k1" in capsys.readouterr().err
    assert not out.exists()

"""The dynamic-security.json document; the real broker reads it in tests/systemd/."""

from __future__ import annotations

import base64
import json

from shared.provisioning.dynsec import render_dynsec
from shared.provisioning.fleet import Fleet
from shared.provisioning.passwords import hash_password

FLEET = Fleet("b", ("k1", "k2"), ("w1",))
PASSWORDS = {"k1": "one", "k2": "two", "w1": "three"}


def _document() -> dict:
    return json.loads(render_dynsec(FLEET, PASSWORDS))


def test_everything_is_denied_unless_a_role_allows_it_but_unsubscribing():
    assert _document()["defaultACLAccess"] == {
        "publishClientSend": False,
        "publishClientReceive": False,
        "subscribe": False,
        "unsubscribe": True,
    }


def test_every_member_is_a_client_pinned_to_its_id_with_a_role_of_its_own():
    document = _document()
    clients = {client["username"]: client for client in document["clients"]}
    assert list(clients) == ["k1", "k2", "w1"]
    assert all(client["clientid"] == user for user, client in clients.items()), "each pinned to its id"
    assert clients["k2"]["roles"] == [{"rolename": "kiosk-k2"}]
    assert clients["w1"]["roles"] == [{"rolename": "worker-w1"}]
    assert [role["rolename"] for role in document["roles"]] == ["kiosk-k1", "kiosk-k2", "worker-w1"]
    assert all(acl["allow"] is True for role in document["roles"] for acl in role["acls"])


def test_passwords_are_stored_as_salted_hashes_only():
    text = render_dynsec(FLEET, PASSWORDS)
    clients = {client["username"]: client for client in json.loads(text)["clients"]}
    for user, password in PASSWORDS.items():
        assert f'"{password}"' not in text
        client = clients[user]
        salt = base64.b64decode(client["salt"])
        assert hash_password(password, salt, client["iterations"]).password == client["password"]
    assert len({client["salt"] for client in clients.values()}) == 3


def test_a_reader_is_a_client_pinned_to_its_id_with_its_reader_role():
    fleet = Fleet("b", ("k1",), ("w1",), stations=("s1",), readers=("plc1",))
    document = json.loads(render_dynsec(fleet, dict.fromkeys(fleet.users, "pw")))
    reader = next(client for client in document["clients"] if client["username"] == "plc1")
    assert (reader["clientid"], reader["textName"]) == ("plc1", "TeachBooth reader plc1")
    assert reader["roles"] == [{"rolename": "reader-plc1"}]
    assert [role["rolename"] for role in document["roles"]][-1] == "reader-plc1"

"""The broker's dynamic-security.json: every fleet member as a client with its role.

mosquitto's dynamic-security plugin (``plugin mosquitto_dynamic_security.so``
with ``plugin_opt_config_file``, systemd/mosquitto/teachbooth.conf) reads this
file at start-up and does all of the broker's authentication and access
control from it: salted password hashes and per-role ACLs, in the plugin's
JSON format (mosquitto's docs, "Dynamic Security Plugin").

Defaults deny publishing, receiving and subscribing; what a member may do is
only what its role (`shared.provisioning.acl`) allows. Unsubscribing is
allowed: it can only ever remove the client's own subscriptions.

Each member is pinned to one MQTT client id, its own id (the plugin's
``clientid``): the broker refuses its password with any other. Every member
being pinned is what protects each of them: a second connection with a
client id in use takes the first one's place, so were one kiosk free to pick
its id, it could knock a worker off with the id that worker's status shows.
One process per id follows; a machine running two workers is provisioned as
two workers.

There is no admin client: nobody can change the file through the broker's
``$CONTROL/dynamic-security`` topics. A changed fleet is provisioned again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict

from shared.provisioning.acl import Role, member_role
from shared.provisioning.fleet import Fleet
from shared.provisioning.passwords import hash_password

DEFAULT_ACL_ACCESS = {
    "publishClientSend": False,
    "publishClientReceive": False,
    "subscribe": False,
    "unsubscribe": True,
}


def render_dynsec(fleet: Fleet, passwords: Mapping[str, str]) -> str:
    """The plugin's configuration for `fleet`, each member's password hashed with a fresh salt."""
    members = [(member, kind, member_role(kind, member)) for kind, member in fleet.members]
    document = {
        "defaultACLAccess": DEFAULT_ACL_ACCESS,
        "clients": [_client(user, kind, role, passwords[user]) for user, kind, role in members],
        "roles": [_role(role) for _, _, role in members],
    }
    return json.dumps(document, indent=2) + "\n"


def _client(user: str, kind: str, role: Role, password: str) -> dict[str, object]:
    return {
        "username": user,
        "textName": f"TeachBooth {kind} {user}",
        "clientid": user,
        **asdict(hash_password(password)),
        "roles": [{"rolename": role.name}],
    }


def _role(role: Role) -> dict[str, object]:
    return {
        "rolename": role.name,
        "acls": [{"acltype": acl.acltype, "topic": acl.topic, "allow": True} for acl in role.acls],
    }

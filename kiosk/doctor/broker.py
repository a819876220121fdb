"""Can this kiosk talk to its broker with its credentials, and is a worker there to take jobs?

Its own short-lived paho connection rather than the kiosk's `MqttLink`: the link retries forever
by design, a doctor must give up after a timeout and say why (refused, no answer, bad password).
"""

from __future__ import annotations

import queue
import secrets
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from kiosk.doctor.finding import Finding, fail, ok, warn
from kiosk.doctor.settings import DoctorSettings
from shared.mqtt import BrokerUrl
from shared.protocol import ProtocolError, WorkerStatus, decode, topics

UNSUPPORTED_PROTOCOL = 0x84
CREDENTIALS_REFUSED = {0x86, 0x87}
"""MQTT 5 "bad user name or password" and "not authorised" (paho maps 3.1.1's codes 4 and 5 to them)."""
OFFLINE_FIX = (
    "without a broker the kiosk still teaches and runs `classic` locally; give --broker to check one"
)


class BrokerProblem(Exception):
    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.fix = fix


@contextmanager
def connected(url: BrokerUrl, timeout_s: float) -> Iterator[object]:
    """A connected paho client (MQTT 5, or 3.1.1 for a broker that only speaks that); BrokerProblem if not."""
    client = _connect(url, timeout_s, mqtt5=True)
    try:
        yield client
    finally:
        client.disconnect()
        client.loop_stop()


def _connect(url: BrokerUrl, timeout_s: float, mqtt5: bool):
    import paho.mqtt.client as paho
    from paho.mqtt.enums import CallbackAPIVersion

    where = url.redacted()
    client = paho.Client(
        CallbackAPIVersion.VERSION2,
        # A provisioned broker lets this user in under its own client id only (systemd/README.md).
        client_id=url.client_id or f"teachbooth-doctor-{secrets.token_hex(3)}",
        protocol=paho.MQTTv5 if mqtt5 else paho.MQTTv311,
    )
    client.connect_timeout = timeout_s
    if url.username is not None:
        client.username_pw_set(url.username, url.password)
    answers: queue.Queue = queue.Queue()
    client.on_connect = lambda _c, _u, _f, reason_code, _p: answers.put(reason_code)
    if url.tls:
        try:
            client.tls_set(ca_certs=url.ca_file, certfile=url.cert_file, keyfile=url.key_file)
        except (OSError, ValueError) as exc:
            raise BrokerProblem(
                f"cannot load the TLS files of {where}: {exc}", "check the ?ca=, ?cert= and ?key= paths"
            ) from None
    try:
        client.connect(url.host, url.port, keepalive=max(5, int(timeout_s) + 1))
    except ssl.SSLError as exc:
        raise BrokerProblem(
            f"TLS with {where} failed: {exc}", "check the CA file (?ca=) matches the broker's certificate"
        ) from None
    except OSError as exc:
        raise BrokerProblem(
            f"cannot reach {where}: {exc.strerror or exc}",
            "check the host and port, that mosquitto runs there (systemctl status mosquitto) and the network",
        ) from None
    client.loop_start()
    try:
        reason = answers.get(timeout=timeout_s)
    except queue.Empty:
        client.loop_stop()
        raise BrokerProblem(
            f"{where} accepted the connection but gave no MQTT answer within {timeout_s:g} s",
            "check the port is the broker's (mqtts:// for a TLS listener, mqtt:// for a plain one)",
        ) from None
    if not reason.is_failure:
        return client
    client.loop_stop()
    if reason.value == UNSUPPORTED_PROTOCOL and mqtt5:
        return _connect(url, timeout_s, mqtt5=False)
    if reason.value in CREDENTIALS_REFUSED:
        who = f"user {url.username!r}" if url.username else "a connection without a user name"
        raise BrokerProblem(
            f"{where} refused {who}: {reason}",
            "put this kiosk's user and password from `teachbooth provision` in the URL (mqtts://USER:PASS@host)",
        )
    raise BrokerProblem(f"{where} refused the connection: {reason}", "see the broker's log")


def _url(settings: DoctorSettings, check: str) -> BrokerUrl | Finding:
    if settings.broker is None:
        return warn(check, "no broker given: not checked", OFFLINE_FIX)
    try:
        return BrokerUrl.parse(settings.broker)
    except ValueError as exc:
        return fail(check, str(exc), "write the URL as mqtt://USER:PASS@HOST:PORT or mqtts://...?ca=FILE")


def check_broker(settings: DoctorSettings) -> Finding:
    url = _url(settings, "broker")
    if isinstance(url, Finding):
        return url
    try:
        with connected(url, settings.timeout_s):
            pass
    except BrokerProblem as problem:
        return fail("broker", str(problem), problem.fix)
    who = f" as {url.username}" if url.username else ""
    return ok("broker", f"connected to {url.redacted()}{who}")


def check_worker(settings: DoctorSettings) -> Finding:
    """Read the workers' retained statuses: online ones will take this kiosk's jobs."""
    url = _url(settings, "worker")
    if isinstance(url, Finding):
        return url
    try:
        with connected(url, settings.timeout_s) as client:
            statuses = _worker_statuses(client, settings)
    except BrokerProblem:
        return warn(
            "worker",
            "not checked: no connection to the broker (see the broker check)",
            "fix the broker first",
        )
    online = sorted(s.worker_id for s in statuses.values() if s.state == "online")
    if online:
        backends = sorted({b for s in statuses.values() if s.state == "online" for b in s.backends})
        return ok("worker", f"online: {', '.join(online)} (backends: {', '.join(backends)})")
    known = f" (known but offline: {', '.join(sorted(statuses))})" if statuses else ""
    return warn(
        "worker",
        f"no worker online{known}: jobs wait in the outbox; `classic` still runs on the kiosk",
        "start one: systemctl start teachbooth-worker (on the GPU machine)",
    )


def _worker_statuses(client, settings: DoctorSettings) -> dict[str, WorkerStatus]:
    """Retained statuses arrive right after the subscription; stop at the first online one."""
    found: dict[str, WorkerStatus] = {}
    subscribed = threading.Event()
    online = threading.Event()

    def on_message(_c, _u, message) -> None:
        try:
            status = decode(message.payload)
        except ProtocolError:
            return
        if isinstance(status, WorkerStatus):
            found[status.worker_id] = status
            if status.state == "online":
                online.set()

    client.on_message = on_message
    client.on_subscribe = lambda *_args: subscribed.set()
    client.subscribe(topics.WORKER_STATUS_FILTER, qos=1)
    if not subscribed.wait(settings.timeout_s):
        raise BrokerProblem("the broker did not confirm the subscription", "see the broker's log")
    online.wait(settings.worker_wait_s)
    return dict(found)

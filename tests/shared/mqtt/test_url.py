"""Broker URLs: parsing, defaults, TLS options, useful errors, and never showing a password."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from shared.mqtt.url import BrokerUrl


@pytest.mark.parametrize(
    ("url", "host", "port", "tls"),
    [
        ("mqtt://localhost", "localhost", 1883, False),
        ("mqtt://broker.lan:1884", "broker.lan", 1884, False),
        ("mqtts://broker.lan", "broker.lan", 8883, True),
        ("mqtts://broker.lan:443", "broker.lan", 443, True),
        ("mqtt://10.0.0.5:65535", "10.0.0.5", 65535, False),
        ("mqtt://[::1]:1884", "::1", 1884, False),
        ("mqtt://host:", "host", 1883, False),
        ("MQTT://Broker.LAN", "broker.lan", 1883, False),
    ],
)
def test_hosts_ports_and_defaults(url, host, port, tls):
    parsed = BrokerUrl.parse(url)
    assert (parsed.host, parsed.port, parsed.tls) == (host, port, tls)
    assert (parsed.username, parsed.password) == (None, None)
    assert (parsed.ca_file, parsed.cert_file, parsed.key_file) == (None, None, None)


def test_credentials_are_percent_decoded():
    parsed = BrokerUrl.parse("mqtt://kiosk%2D1:p%40ss%3Aw%2Frd@broker.lan:1883")
    assert parsed.username == "kiosk-1"
    assert parsed.password == "p@ss:w/rd"
    assert BrokerUrl.parse("mqtt://user:p%40ss@host").password == "p@ss"
    assert BrokerUrl.parse("mqtt://us%40er@host").username == "us@er"


def test_user_without_password_and_empty_password():
    only_user = BrokerUrl.parse("mqtt://kiosk-1@host")
    assert (only_user.username, only_user.password) == ("kiosk-1", None)
    empty = BrokerUrl.parse("mqtt://kiosk-1:@host")
    assert (empty.username, empty.password) == ("kiosk-1", "")


def test_tls_files_ride_in_the_query():
    parsed = BrokerUrl.parse(
        "mqtts://kiosk-1:secret@broker.lan:8883?ca=/etc/tb/ca.crt&cert=/etc/tb/k.crt&key=/etc/tb/k.key"
    )
    assert parsed.tls and parsed.port == 8883
    assert parsed.ca_file == "/etc/tb/ca.crt"
    assert parsed.cert_file == "/etc/tb/k.crt"
    assert parsed.key_file == "/etc/tb/k.key"
    assert BrokerUrl.parse("mqtts://h?ca=/a%20b.crt").ca_file == "/a b.crt"
    only_ca = BrokerUrl.parse("mqtts://h?ca=/ca.crt")
    assert (only_ca.cert_file, only_ca.key_file) == (None, None)


@pytest.mark.parametrize("query", ["ca=/ca.crt", "cert=/c.crt", "key=/k.key"])
def test_tls_options_need_mqtts(query):
    with pytest.raises(ValueError, match="mqtts://"):
        BrokerUrl.parse(f"mqtt://host?{query}")


@pytest.mark.parametrize("query", ["ca_file=/x", "tls=1", "CA=/x", "bogus", "ca=/x&verify=no"])
def test_unknown_options_are_refused(query):
    with pytest.raises(ValueError, match="not one of") as info:
        BrokerUrl.parse(f"mqtts://host?{query}")
    assert "'ca'" in str(info.value)


@pytest.mark.parametrize("query", ["ca=", "cert=", "ca=/x&key="])
def test_empty_options_are_refused(query):
    with pytest.raises(ValueError, match="needs a value"):
        BrokerUrl.parse(f"mqtts://host?{query}")


@pytest.mark.parametrize(
    "url",
    [
        "http://host",
        "tcp://host:1883",
        "ws://host",
        "localhost:1883",
        "localhost",
        "",
        "//host:1883",
    ],
)
def test_bad_schemes(url):
    with pytest.raises(ValueError, match="must start with mqtt:// or mqtts://"):
        BrokerUrl.parse(url)


@pytest.mark.parametrize(
    "url", ["mqtt://", "mqtts://:8883", "mqtt://user:pw@", "mqtt:///path", "mqtt://?ca=x", "mqtt:host"]
)
def test_missing_host(url):
    with pytest.raises(ValueError, match="no host"):
        BrokerUrl.parse(url)


@pytest.mark.parametrize("port", ["abc", "-1", "65536", "99999", "0", "1.5", "+1", " 1", "١٢"])
def test_bad_ports(port):
    with pytest.raises(ValueError, match="invalid port"):
        BrokerUrl.parse(f"mqtt://host:{port}")


@pytest.mark.parametrize(
    "url",
    [
        "mqtt://kiosk:hunter2secret@host:notaport",
        "mqtt://kiosk:hunter2secret@:1883",
        "http://kiosk:hunter2secret@host",
        "kiosk:hunter2secret@host:1883",
        "mqtt://kiosk:hunter2secret@host:0",
    ],
)
def test_errors_do_not_show_the_password(url):
    with pytest.raises(ValueError) as info:
        BrokerUrl.parse(url)
    assert "hunter2secret" not in str(info.value)
    assert "kiosk" in str(info.value), "the rest of the URL is still shown, to help the user"


def test_redacted():
    parsed = BrokerUrl.parse("mqtts://kiosk-1:s3cr3t@broker.lan?ca=/ca.crt")
    assert parsed.redacted() == "mqtts://kiosk-1:***@broker.lan:8883"
    assert BrokerUrl.parse("mqtt://broker.lan").redacted() == "mqtt://broker.lan:1883"
    assert BrokerUrl.parse(parsed.redacted()).host == "broker.lan"


hosts = st.from_regex(r"[a-z][a-z0-9-]{0,20}(\.[a-z][a-z0-9-]{0,10}){0,3}", fullmatch=True)
credentials = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30)


@settings(max_examples=150)
@given(
    scheme=st.sampled_from(["mqtt", "mqtts"]),
    host=hosts,
    port=st.none() | st.integers(1, 65535),
    username=credentials,
    password=st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
)
def test_credentials_round_trip_and_never_leak(scheme, host, port, username, password):
    url = f"{scheme}://{quote(username, safe='')}:{quote(password, safe='')}@{host}"
    if port is not None:
        url += f":{port}"
    parsed = BrokerUrl.parse(url)
    assert parsed.username == username
    assert parsed.password == password
    assert parsed.host == host
    assert parsed.port == (port or {"mqtt": 1883, "mqtts": 8883}[scheme])
    assert parsed.tls is (scheme == "mqtts")
    redacted = parsed.redacted()
    assert redacted == f"{scheme}://{username}:***@{host}:{parsed.port}"
    assume(len(password) >= 3 and password not in f"{scheme}://{username}:***@{host}:{parsed.port}")
    assert password not in redacted
    assert password not in repr(parsed.redacted())


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("mqtt://broker/some/path", "path"),
        ("mqtt://broker#frag", "fragment"),
        ("mqtt://:secret@broker", "no user name"),
        ("mqtts://broker?ca=a.crt&ca=b.crt", "twice"),
    ],
)
def test_ambiguous_urls_are_refused_not_guessed(url, words):
    with pytest.raises(ValueError, match=words) as error:
        BrokerUrl.parse(url)
    assert "secret" not in str(error.value)


def test_redacted_brackets_ipv6_hosts():
    assert BrokerUrl.parse("mqtt://[::1]:1884").redacted() == "mqtt://[::1]:1884"


def test_a_client_id_rides_in_the_query_with_or_without_tls():
    """A provisioned broker pins each user to one client id; the URL carries it (systemd/README.md)."""
    assert BrokerUrl.parse("mqtts://k1:pw@host?ca=/ca.crt&client_id=k1").client_id == "k1"
    assert BrokerUrl.parse("mqtt://host?client_id=kiosk-1_a").client_id == "kiosk-1_a"
    assert BrokerUrl.parse("mqtt://host").client_id is None


@pytest.mark.parametrize("client_id", ["a/b", "a+b", "#", "x" * 65, "k%201"])
def test_a_client_id_that_is_not_a_plain_id_is_refused(client_id):
    with pytest.raises(ValueError, match="client_id"):
        BrokerUrl.parse(f"mqtt://host?client_id={client_id}")

from __future__ import annotations

import ipaddress

import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.x509.oid import ExtendedKeyUsageOID

from shared.provisioning.certificates import make_ca, make_server_certificate


@pytest.fixture(scope="module")
def ca():
    return make_ca()


def test_the_ca_is_a_ca_that_signed_itself(ca):
    constraints = ca.certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
    assert constraints.ca is True
    ca.certificate.verify_directly_issued_by(ca.certificate)


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("broker.lan", x509.DNSName("broker.lan")),
        ("10.1.2.3", x509.IPAddress(ipaddress.ip_address("10.1.2.3"))),
        ("::1", x509.IPAddress(ipaddress.ip_address("::1"))),
    ],
)
def test_the_server_certificate_names_its_host_and_is_signed_by_the_ca(ca, host, expected):
    server = make_server_certificate(ca, host)
    server.certificate.verify_directly_issued_by(ca.certificate)
    names = server.certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert list(names) == [expected]
    usage = server.certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usage) == [ExtendedKeyUsageOID.SERVER_AUTH]


def test_another_ca_of_the_same_name_does_not_vouch_for_the_server(ca):
    server = make_server_certificate(ca, "broker.lan")
    with pytest.raises(InvalidSignature):
        server.certificate.verify_directly_issued_by(make_ca().certificate)


def test_keys_are_written_unencrypted_pkcs8_for_mosquitto(ca):
    assert ca.key_pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    assert ca.certificate_pem.startswith(b"-----BEGIN CERTIFICATE-----")

"""A private CA for the broker and the certificate the broker shows.

The fleet trusts only this CA (every broker URL names it with ``ca=``), so a
look-alike broker on the shared network cannot collect kiosk passwords. The
server certificate names the broker host as a subject alternative name,
which is what TLS clients check (not the common name). Keys are EC P-256:
small, fast on a Pi, accepted by every OpenSSL that mosquitto and paho use.
"""

from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from shared.provisioning.fleet import is_ip_address

CA_DAYS = 3650
SERVER_DAYS = 825
"""Longest server lifetime that Apple and browsers accept; re-provision before it runs out."""


@dataclass(frozen=True)
class Issued:
    """A certificate and its private key, as PEM bytes ready to write."""

    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @property
    def certificate_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    @property
    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )


def make_ca(name: str = "TeachBooth fleet CA") -> Issued:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    usage = _key_usage(digital_signature=True, key_cert_sign=True, crl_sign=True)
    certificate = (
        _builder(subject, subject, key.public_key(), CA_DAYS)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Issued(certificate, key)


def make_server_certificate(ca: Issued, host: str) -> Issued:
    """A TLS server certificate for `host` (a DNS name or an IP address), signed by `ca`."""
    key = ec.generate_private_key(ec.SECP256R1())
    san = x509.IPAddress(ipaddress.ip_address(host)) if is_ip_address(host) else x509.DNSName(host)
    usage = _key_usage(digital_signature=True, key_agreement=True)
    certificate = (
        _builder(
            x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]),
            ca.certificate.subject,
            key.public_key(),
            SERVER_DAYS,
        )
        .add_extension(x509.SubjectAlternativeName([san]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False
        )
        .sign(ca.key, hashes.SHA256())
    )
    return Issued(certificate, key)


def _builder(
    subject: x509.Name, issuer: x509.Name, public_key: ec.EllipticCurvePublicKey, days: int
) -> x509.CertificateBuilder:
    # Back-dated an hour: a Pi without a real-time clock may boot a little behind the CA's clock.
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=days))
    )


def _key_usage(**granted: bool) -> x509.KeyUsage:
    """Only the usages named are granted; x509.KeyUsage wants every flag spelled out."""
    flags = [
        "digital_signature",
        "content_commitment",
        "key_encipherment",
        "data_encipherment",
        "key_agreement",
        "key_cert_sign",
        "crl_sign",
        "encipher_only",
        "decipher_only",
    ]
    return x509.KeyUsage(**{flag: granted.get(flag, False) for flag in flags})

"""Keys and certificates made with `cryptography` at test time, and tokens that expire (the
servers that check assertions are in `key_fakes.py`).

- `Pki`: a private CA, a server certificate for 127.0.0.1 and client certificates it signs;
  `server_context(require_client=True)` is a TLS server that refuses a client without one.
- `Tokens`: issued tokens with a real expiry, and an API route that honours only live ones.
"""

from __future__ import annotations

import datetime
import ipaddress
import secrets
import ssl
import threading
import time
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from sample_api.server import Handler, Received, Reply

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def key_pem(key: PrivateKey, pkcs1: bool = False) -> str:
    form = serialization.PrivateFormat.PKCS8
    if pkcs1:
        form = (
            serialization.PrivateFormat.TraditionalOpenSSL
        )  # BEGIN RSA PRIVATE KEY (PKCS#1) / BEGIN EC PRIVATE KEY
    raw = key.private_bytes(serialization.Encoding.PEM, form, serialization.NoEncryption())
    return raw.decode()


def public_pem(key: PrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def cert_pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def body_lines(pem: str) -> list[str]:
    """The base64 lines of a PEM text: what must never reach a log."""
    return [line for line in pem.splitlines() if line and not line.startswith("-----")]


class Pki:
    """A private CA with a server certificate for 127.0.0.1 and client certificates."""

    def __init__(self, name: str = "Test Private CA") -> None:
        self.ca_key = ec_key()
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        self.ca_cert = (
            self._builder(subject, subject, self.ca_key)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(self.ca_key.public_key()), critical=False
            )
            .sign(self.ca_key, hashes.SHA256())
        )
        self.ca_pem = cert_pem(self.ca_cert)

    def _builder(
        self, subject: x509.Name, issuer: x509.Name, key: PrivateKey
    ) -> x509.CertificateBuilder:
        now = datetime.datetime.now(datetime.UTC)
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(hours=1))
        )

    def issue(self, common_name: str, key: PrivateKey, *, server: bool) -> x509.Certificate:
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
        builder = (
            self._builder(subject, self.ca_cert.subject, key)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.ca_key.public_key()),
                critical=False,
            )
            .add_extension(
                x509.ExtendedKeyUsage(
                    [
                        x509.oid.ExtendedKeyUsageOID.SERVER_AUTH
                        if server
                        else x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH
                    ]
                ),
                critical=False,
            )
        )
        if server:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False,
            )
        return builder.sign(self.ca_key, hashes.SHA256())

    def client(self, name: str = "ocean-custom") -> tuple[str, str]:
        """(certificate PEM, private key PEM) of a client certificate this CA signed."""
        key = rsa_key()
        return cert_pem(self.issue(name, key, server=False)), key_pem(key)

    def server_context(self, directory: Any, *, require_client: bool) -> ssl.SSLContext:
        key = ec_key()
        cert_file, key_file = directory / "server.pem", directory / "server.key"
        cert_file.write_text(cert_pem(self.issue("127.0.0.1", key, server=True)))
        key_file.write_text(key_pem(key))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        if require_client:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(cadata=self.ca_pem)
        return context


class Tokens:
    """Access tokens that really expire, checked by wall time on every API request."""

    def __init__(self, lifetime: float) -> None:
        self.lifetime = lifetime
        self.issued: list[str] = []
        self._expiry: dict[str, float] = {}
        self.rejected = 0
        self._lock = threading.Lock()

    def issue(self, expires_at: float | None = None) -> str:
        token = "at-" + secrets.token_urlsafe(32)
        with self._lock:
            self.issued.append(token)
            self._expiry[token] = expires_at or time.time() + self.lifetime
        return token

    def live(self, token: str | None) -> bool:
        return token is not None and time.time() < self._expiry.get(token, 0)

    def guard(self, handler: Handler) -> Handler:
        def guarded(request: Received) -> Reply:
            header = request.headers.get("authorization", "")
            if not self.live(
                header.removeprefix("Bearer ") if header.startswith("Bearer ") else None
            ):
                with self._lock:
                    self.rejected += 1
                return Reply(401, {"message": "Bad credentials"})
            return handler(request)

        return guarded

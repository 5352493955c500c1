"""Keys, certificates and the servers that check them, made with `cryptography` at test time.

- `Pki`: a private CA, a server certificate for 127.0.0.1 and client certificates it signs;
  `server_context(require_client=True)` is a TLS server that refuses a client without one.
- `AssertionIdp`: an OAuth2 token endpoint that verifies RFC 7523 assertions as Okta (client
  authentication, private_key_jwt) and Google (the JWT bearer grant) document it: the signature
  with the registered public key, iss / sub / aud, exp and iat, and a jti used only once.
- `FakeGitHubApp`: GitHub's installation-token exchange with GitHub's JWT rules.
- `Tokens`: issued tokens with a real expiry, and an API route that honours only live ones.
"""

from __future__ import annotations

import datetime
import ipaddress
import secrets
import ssl
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from sample_api.server import FakeApi, Handler, Received, Reply

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


class AssertionIdp:
    """An RFC 7523 token endpoint. `mode` "client" is client authentication (private_key_jwt,
    Okta's /oauth2/v1/token: iss = sub = client id, aud = the token URL, exp at most an hour,
    a jti never reused); "grant" is the JWT bearer grant (Google's oauth2.googleapis.com/token:
    iss = the service account, aud = the token URL, a scope claim, exp at most an hour after
    iat). Failures answer as those servers do: 401 invalid_client, 400 invalid_grant."""

    def __init__(
        self,
        api: FakeApi,
        public_key: bytes,
        tokens: Tokens,
        *,
        mode: str,
        client_id: str,
        algorithm: str = "RS256",
        path: str = "/oauth2/v1/token",
        scope: str | None = None,
        subject: str | None = None,
    ) -> None:
        self.api, self.public_key, self.tokens, self.mode = api, public_key, tokens, mode
        self.client_id, self.algorithm, self.path = client_id, algorithm, path
        self.scope, self.subject = scope, subject
        self.seen_jti: set[str] = set()
        self.assertions: list[str] = []
        self.in_flight = self.peak_in_flight = 0
        self._lock = threading.Lock()
        api.route("POST", path, self.token)

    @property
    def url(self) -> str:
        return self.api.url + self.path

    def token(self, request: Received) -> Reply:
        with self._lock:
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            time.sleep(0.05)  # a real round trip: overlapping renewals would show here
            problem = self._check(parse_qs(request.body.decode()))
        finally:
            with self._lock:
                self.in_flight -= 1
        if problem:
            error = "invalid_client" if self.mode == "client" else "invalid_grant"
            status = 401 if self.mode == "client" else 400
            return Reply(status, {"error": error, "error_description": problem})
        token = self.tokens.issue()
        return Reply(
            json_body={
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": self.tokens.lifetime,
            }
        )

    def _check(self, form: dict[str, list[str]]) -> str | None:
        one = {name: values[0] for name, values in form.items()}
        if self.mode == "client":
            if one.get("grant_type") != "client_credentials":
                return "grant_type must be client_credentials"
            if (
                one.get("client_assertion_type")
                != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
            ):
                return "client_assertion_type is missing or wrong"
            assertion = one.get("client_assertion", "")
        else:
            if one.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
                return "Invalid grant_type"
            assertion = one.get("assertion", "")
        self.assertions.append(assertion)
        return self._verify(assertion)

    def _verify(self, assertion: str) -> str | None:
        try:
            claims = jwt.decode(
                assertion,
                self.public_key,
                algorithms=[self.algorithm],
                audience=self.url,
                options={"require": ["iss", "aud", "exp", "iat", "jti"]},
            )
        except jwt.PyJWTError as error:
            return f"The client_assertion token is invalid: {type(error).__name__}"
        if claims["iss"] != self.client_id:
            return "iss does not match the client"
        expected_sub = self.client_id if self.mode == "client" else self.subject
        if claims.get("sub") != expected_sub:
            return "sub does not match"
        if claims["exp"] - time.time() > 3600 or claims["exp"] - claims["iat"] > 3600:
            return "The exp claim is too far in the future"
        if self.scope is not None and claims.get("scope") != self.scope:
            return "Invalid OAuth scope or ID token audience provided."
        with self._lock:
            if claims["jti"] in self.seen_jti:
                return "The client_assertion token has already been used (jti reused)"
            self.seen_jti.add(claims["jti"])
        return None


class FakeGitHubApp:
    """POST /app/installations/{id}/access_tokens as GitHub documents it ("Generating a JSON Web
    Token (JWT) for a GitHub App", "Generating an installation access token"): an RS256 JWT
    whose iss is the app id, iat not in the future, exp at most 10 minutes ahead; 401 with
    GitHub's message otherwise; 201 with {token, expires_at} on success."""

    def __init__(
        self,
        api: FakeApi,
        app_public_key: bytes,
        tokens: Tokens,
        *,
        app_id: str,
        installation_id: str,
        prefix: str = "",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.api, self.public_key, self.tokens = api, app_public_key, tokens
        self.app_id, self.clock = app_id, clock
        self.path = f"{prefix}/app/installations/{installation_id}/access_tokens"
        self.app_jwts: list[str] = []
        self.in_flight = self.peak_in_flight = 0
        self._lock = threading.Lock()
        api.route("POST", self.path, self.exchange)

    @property
    def exchanges(self) -> list[Received]:
        return self.api.requests_to(self.path)

    def exchange(self, request: Received) -> Reply:
        with self._lock:
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            time.sleep(0.05)
            problem = self._check(request.headers.get("authorization", ""))
        finally:
            with self._lock:
                self.in_flight -= 1
        if problem:
            return Reply(
                401, {"message": problem, "documentation_url": "https://docs.github.com/rest"}
            )
        # GitHub states expires_at to the second.
        expiry = int(self.clock() + self.tokens.lifetime)
        token = self.tokens.issue(expires_at=expiry)
        stamp = datetime.datetime.fromtimestamp(expiry, datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return Reply(201, {"token": token, "expires_at": stamp, "repository_selection": "all"})

    def _check(self, header: str) -> str | None:
        if not header.startswith("Bearer "):
            return "A JSON web token could not be decoded"
        app_jwt = header.removeprefix("Bearer ")
        self.app_jwts.append(app_jwt)
        try:
            claims = jwt.decode(
                app_jwt,
                self.public_key,
                algorithms=["RS256"],
                options={
                    "require": ["iat", "exp", "iss"],
                    "verify_exp": False,
                    "verify_iat": False,
                },
            )
        except jwt.PyJWTError:
            return "A JSON web token could not be decoded"
        now = self.clock()
        if claims["iat"] > now + 1:
            return "'Issued at' claim ('iat') must be an Integer representing a time in the past"
        if claims["exp"] > now + 600 or claims["exp"] - claims["iat"] > 600:
            return "'Expiration time' claim ('exp') is too far in the future"
        if claims["exp"] <= now:
            return "'Expiration time' claim ('exp') must be a numeric value in the future"
        if str(claims["iss"]) != self.app_id:
            return "Integration not found"
        return None

"""TLS of the API connection: extra trusted CAs, and a client certificate scoped by origin.

    caCertificate                      trusted in addition to the default trust store
    /usr/local/share/ca-certificates   Port's Helm chart mounts `selfSignedCertificate` here
    clientCertificate + clientPrivateKey   presented only to baseUrl's origin and the token URL's

The default trust store is httpx's (`SSL_CERT_FILE`, else `SSL_CERT_DIR`, else certifi); the
extra CAs are added to it, never replace it. Port's chart, with `selfSignedCertificate.enabled`,
mounts the CA at `/usr/local/share/ca-certificates/cert.crt` and points `SSL_CERT_FILE` at the
system bundle, relying on the image to run `update-ca-certificates` as root at start. This image
starts `ocean sail` directly as a non-root user, so the certificates in that directory are read
here instead, with the same effect.

A TLS context is per connection pool, so a client certificate cannot follow credential scoping
request by request: `OriginTlsTransport` sends requests to the trusted origins through a pool
whose context holds the certificate, and every other request (a next link, a redirect to another
host) through one whose context does not.
"""

from __future__ import annotations

import os
import ssl
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from core.errors import ConfigurationError, FetchError

# The directory update-ca-certificates reads local CAs from (Debian, Ubuntu, Alpine).
LOCAL_CA_DIR = Path("/usr/local/share/ca-certificates")
# TLS alerts a server sends when it refuses the client's certificate, or its absence.
CLIENT_CERTIFICATE_ALERTS = (
    "CERTIFICATE_REQUIRED",
    "ALERT_BAD_CERTIFICATE",
    "ALERT_UNKNOWN_CA",
    "ALERT_CERTIFICATE_UNKNOWN",
    "ALERT_CERTIFICATE_EXPIRED",
    "ALERT_ACCESS_DENIED",
    "ALERT_HANDSHAKE_FAILURE",
)
MTLS_SETTINGS = "clientCertificate / clientPrivateKey"


@dataclass(frozen=True)
class TlsOptions:
    verify: bool = True
    extra_ca_pem: str | None = None  # caCertificate: one or more PEM certificates
    client_certificate_pem: str | None = None
    client_key_pem: str | None = None
    certificate_origins: tuple[str, ...] = ()  # where the client certificate may go


def local_ca_files(directory: Path | None = None) -> list[Path]:
    """`*.crt` files in the local CA directory, as update-ca-certificates would take them."""
    folder = LOCAL_CA_DIR if directory is None else directory
    try:
        return sorted(path for path in folder.rglob("*.crt") if path.is_file())
    except OSError:
        return []


@dataclass(frozen=True)
class TlsContexts:
    """Built once per client: errors surface when the client is built, not mid-resync."""

    plain: ssl.SSLContext
    with_certificate: ssl.SSLContext | None
    certificate_origins: tuple[str, ...]


def build_contexts(options: TlsOptions) -> TlsContexts:
    has_certificate = bool(options.client_certificate_pem and options.client_key_pem)
    return TlsContexts(
        ssl_context(options, with_client_certificate=False),
        ssl_context(options, with_client_certificate=True) if has_certificate else None,
        options.certificate_origins,
    )


def ssl_context(options: TlsOptions, *, with_client_certificate: bool) -> ssl.SSLContext:
    context = httpx.create_ssl_context(verify=options.verify)
    if options.verify:
        for path in local_ca_files():
            try:
                context.load_verify_locations(cafile=str(path))
            except (ssl.SSLError, OSError) as error:
                raise ConfigurationError(
                    f"The CA file {path} (Helm selfSignedCertificate mounts its certificate "
                    f"there) could not be read as PEM certificates: {error.__class__.__name__}"
                ) from None
        if options.extra_ca_pem:
            context.load_verify_locations(cadata=options.extra_ca_pem)
    certificate, key = options.client_certificate_pem, options.client_key_pem
    if with_client_certificate and certificate and key:
        # ssl reads a certificate chain only from files: an anonymous in-memory file where
        # the system has one, so the key never touches a disk.
        with _pem_file(certificate) as cert_path, _pem_file(key) as key_path:
            context.load_cert_chain(cert_path, key_path)
    return context


@contextmanager
def _pem_file(text: str) -> Iterator[str]:
    if hasattr(os, "memfd_create"):
        descriptor = os.memfd_create("ocean-custom-pem")
        try:
            os.write(descriptor, text.encode())
            yield f"/proc/self/fd/{descriptor}"
        finally:
            os.close(descriptor)
        return
    with tempfile.TemporaryDirectory() as folder:  # private (0700), removed right after
        path = Path(folder) / "pem"
        path.write_text(text)
        yield str(path)


def _origin(url: httpx.URL | str) -> tuple[str, str, int | None]:
    parsed = httpx.URL(url)
    default = {"http": 80, "https": 443}.get(parsed.scheme)
    return parsed.scheme, parsed.host, parsed.port or default


class OriginTlsTransport(httpx.AsyncBaseTransport):
    """Routes each request by origin: to `trusted` for the certificate's origins, else `other`."""

    def __init__(
        self,
        trusted: httpx.AsyncBaseTransport,
        other: httpx.AsyncBaseTransport,
        origins: Iterable[str],
    ) -> None:
        self._trusted, self._other = trusted, other
        self._origins = {_origin(url) for url in origins}

    def carries_certificate(self, url: httpx.URL) -> bool:
        return _origin(url) in self._origins

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        chosen = self._trusted if self.carries_certificate(request.url) else self._other
        return await chosen.handle_async_request(request)

    async def aclose(self) -> None:
        await self._trusted.aclose()
        await self._other.aclose()


class TlsDiagnosis(httpx.AsyncBaseTransport):
    """Turns a TLS failure into a message naming the setting to fix.

    A refused server certificate or a refused client certificate will be refused again: it
    raises a FetchError at once (never retried). A connection an HTTPS server closes without
    an answer is what a TLS 1.3 server does when it refuses the client's certificate (or its
    absence): that error keeps its type (it is retried as a connection error) and gains a
    hint naming the settings."""

    def __init__(self, inner: httpx.AsyncBaseTransport, *, presents_certificate: bool) -> None:
        self._inner, self._presents = inner, presents_certificate

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await self._inner.handle_async_request(request)
        except (httpx.TransportError, ssl.SSLError) as error:
            if request.url.scheme != "https":
                raise
            raise self._diagnosed(error, request) from error

    def _diagnosed(self, error: Exception, request: httpx.Request) -> Exception:
        url = request.url
        text = " ".join(str(e) for e in _chain(error))
        where = f"TLS with {url.scheme}://{url.host}:{url.port or 443}"
        if "CERTIFICATE_VERIFY_FAILED" in text:
            return FetchError(
                f"{where} failed: the server's certificate is not trusted ({_reason(text)}). "
                "Set caCertificate to the PEM of the CA that issued it (with Port's Helm chart, "
                "selfSignedCertificate works too), keeping verifySsl on"
            )
        if any(alert in text for alert in CLIENT_CERTIFICATE_ALERTS):
            given = (
                "refused the client certificate"
                if self._presents
                else "asked for a client certificate and none is configured for this origin"
            )
            return FetchError(
                f"{where} failed: the server {given} ({_reason(text)}). Check {MTLS_SETTINGS}: "
                "a certificate issued by a CA the server trusts, with its own key"
            )
        if isinstance(error, httpx.ReadError | httpx.RemoteProtocolError):
            cause = (
                "it may have refused the client certificate: check"
                if self._presents
                else "if it requires a client certificate (mTLS), set"
            )
            hint = (
                f"{error} (the server closed the TLS connection without an answer; {cause} "
                f"{MTLS_SETTINGS})"
            )
            return type(error)(hint.strip(), request=request)
        return error

    async def aclose(self) -> None:
        await self._inner.aclose()


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: BaseException | None = error
    while seen is not None:
        yield seen
        seen = seen.__cause__ or seen.__context__


def _reason(text: str) -> str:
    """OpenSSL's reason, e.g. `[SSL: CERTIFICATE_VERIFY_FAILED] ... unable to get local
    issuer certificate`, without the source location."""
    return text.split(" (_ssl.c")[0].strip() or "no detail"


def scoped_network(
    contexts: TlsContexts, make: Callable[[ssl.SSLContext], httpx.AsyncBaseTransport]
) -> httpx.AsyncBaseTransport:
    """One transport from `make`, or two routed by origin when a client certificate is set."""
    plain = TlsDiagnosis(make(contexts.plain), presents_certificate=False)
    if contexts.with_certificate is None:
        return plain
    trusted = TlsDiagnosis(make(contexts.with_certificate), presents_certificate=True)
    return OriginTlsTransport(trusted, plain, contexts.certificate_origins)

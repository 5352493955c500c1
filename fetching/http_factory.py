"""Builds the one HTTP client of an installation from its connection settings."""

from __future__ import annotations

from typing import Any

import httpx

from auth.extras import ConnectionExtras
from auth.factory import build_auth
from connection.auth_config import auth_url
from connection.pem import normalize_pem
from connection.settings import ConnectionSettings
from core.redaction import Redactor
from transport.stack import BodyLimits, RequestLimiter, RetryPolicy, build_transport
from transport.tls import TlsOptions

USER_AGENT = "port-ocean-custom/0.1 (+https://github.com/port-labs/ocean)"
DEFAULT_HEADERS = {"User-Agent": USER_AGENT, "Accept": "application/json"}

__all__ = ["RequestLimiter", "build_http_client", "build_limiter"]


def build_limiter(settings: ConnectionSettings) -> RequestLimiter:
    """The integration-wide limiter (`maxConcurrentRequests`, `requestsPerSecond`); the caller
    keeps it to read how many requests are in flight or waiting (progress lines)."""
    return RequestLimiter(settings.max_concurrent_requests, settings.requests_per_second)


def build_http_client(
    settings: ConnectionSettings,
    redact: Redactor,
    *,
    limiter: RequestLimiter | None = None,
    inside_ocean: bool = True,
) -> httpx.AsyncClient:
    """An httpx client with the auth flow, retries and the integration-wide limiter.

    Inside a running Ocean app it is Ocean's `OceanAsyncClient` over our transport, which keeps
    Ocean's outbound IP blocker of the hosted runtime; outside (unit tests, the preview tool)
    it is a plain `httpx.AsyncClient` over the same transport.
    """
    transport = build_transport(
        verify=settings.verify_ssl,
        concurrency=settings.max_concurrent_requests,
        limiter=limiter or build_limiter(settings),
        policy=RetryPolicy(max_retries=settings.max_retries, max_wait=settings.max_retry_wait),
        redact=redact,
        body_limits=BodyLimits.from_mb(
            settings.timeout, settings.max_response_mb, settings.max_streamed_mb
        ),
        tls=tls_options(settings),
    )
    auth: httpx.Auth = build_auth(settings, redact)
    if settings.custom_headers or settings.base_query:
        auth = ConnectionExtras(
            auth,
            [settings.base_url],
            settings.custom_headers or {},
            settings.base_query_params,
            DEFAULT_HEADERS,
        )
    options: dict[str, Any] = {
        "transport": transport,
        "auth": auth,
        "timeout": httpx.Timeout(settings.timeout),
        "follow_redirects": False,  # the client follows them, re-scoping credentials per hop
        "verify": settings.verify_ssl,
        "headers": DEFAULT_HEADERS,
    }
    if inside_ocean:
        from port_ocean.helpers.async_client import OceanAsyncClient

        return OceanAsyncClient(**options)
    return httpx.AsyncClient(**options)


def tls_options(settings: ConnectionSettings) -> TlsOptions:
    """The TLS material of the settings. The client certificate goes where credentials go:
    baseUrl's origin, and the token URL of the OAuth2 types (on another host, often)."""
    keys = settings.key_auth
    origins = [settings.base_url]
    if settings.oauth_token_url and settings.auth_type in (
        "oauth2_client_credentials",
        "jwt_bearer",
    ):
        origins.append(auth_url(settings.base_url, settings.oauth_token_url))
    custom = settings.custom_auth_request
    if custom is not None and settings.auth_type == "custom":
        origins.append(auth_url(settings.base_url, custom.endpoint))

    def pem(value: str | None, key: str) -> str | None:
        return normalize_pem(value, key) if value else None

    return TlsOptions(
        verify=settings.verify_ssl,
        extra_ca_pem=pem(keys.ca_certificate, "caCertificate"),
        client_certificate_pem=pem(keys.client_certificate, "clientCertificate"),
        client_key_pem=pem(keys.client_private_key, "clientPrivateKey"),
        certificate_origins=tuple(origins),
    )

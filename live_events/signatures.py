"""Webhook signatures, checked over the raw request bytes before anything is parsed.

Pure functions: `verify(scheme, secret, header_name, headers, body, now)` returns nothing or
raises `SignatureRejected`. The exception's text says *what* was wrong (missing header, stale
timestamp, no match) for the log, and never holds the secret, the received signature or the
one expected: a log line must not help anyone forge the next delivery. Every comparison of
digests is `hmac.compare_digest` (constant-time).

- github: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>`
  (https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries). The
  legacy `X-Hub-Signature` (SHA-1) alone is not accepted.
- stripe: `Stripe-Signature: t=<unix ts>,v1=<hex>[,v1=<hex>...]`, the hex HMAC-SHA256 of
  `"<t>.<body>"`; any `v1` may match (several during a secret roll), other schemes (`v0`) are
  ignored, and `t` must be within 300 s of now
  (https://docs.stripe.com/webhooks#verify-manually).
- slack: `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<ts>:<body>">` with the timestamp in
  `X-Slack-Request-Timestamp`, within 300 s of now
  (https://api.slack.com/authentication/verifying-requests-from-slack).
- hmac_sha256: the hex HMAC-SHA256 of the body, optionally prefixed `sha256=`, in the header
  named by `webhookSignatureHeader`.
- none: accepted unsigned (an explicit opt-out, warned about at start).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping

from connection.webhook_settings import SignatureScheme

TOLERANCE_SECONDS = 300
_HEX_DIGEST = re.compile(r"^[0-9a-fA-F]{64}$")


class SignatureRejected(Exception):
    """The delivery is not authentic (answered 401). The message is safe to log."""


def verify(
    scheme: SignatureScheme,
    secret: str | None,
    header_name: str | None,
    headers: Mapping[str, str],
    body: bytes,
    now: float,
) -> None:
    """Raise SignatureRejected unless `body` is signed as `scheme` says; `headers` lower-cased."""
    if scheme == "none":
        return
    if not secret:  # the settings forbid it; never verify against an empty key
        raise SignatureRejected("no webhookSecret configured")
    key = secret.encode()
    if scheme == "github":
        _check_prefixed(headers, "x-hub-signature-256", "sha256=", _digest(key, body))
    elif scheme == "hmac_sha256":
        _check_hmac_header(headers, (header_name or "").lower(), _digest(key, body))
    elif scheme == "stripe":
        _check_stripe(headers, key, body, now)
    elif scheme == "slack":
        _check_slack(headers, key, body, now)
    else:  # pragma: no cover - the settings model admits only the schemes above
        raise SignatureRejected(f"unknown signature scheme {scheme!r}")


def signature_headers(header_name: str | None) -> frozenset[str]:
    """The (lower-cased) headers that carry signatures: dropped once verified, so that nothing
    downstream can log the signature that, for a valid delivery, is the one expected."""
    named = {header_name.lower()} if header_name else set()
    return frozenset({*_KNOWN_SIGNATURE_HEADERS, *named})


_KNOWN_SIGNATURE_HEADERS = frozenset(
    {"x-hub-signature-256", "x-hub-signature", "stripe-signature", "x-slack-signature"}
)


def _digest(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name, "").strip()
    if not value:
        raise SignatureRejected(f"header {name} is missing")
    return value


def _matches(expected: str, received: str) -> bool:
    # Both as bytes: compare_digest refuses non-ASCII str, and a malformed value is no match.
    return hmac.compare_digest(expected.encode(), received.lower().encode("utf-8", "replace"))


def _check_prefixed(headers: Mapping[str, str], name: str, prefix: str, expected: str) -> None:
    value = _header(headers, name)
    if not value.startswith(prefix) or not _HEX_DIGEST.match(value[len(prefix) :]):
        raise SignatureRejected(f"header {name} is malformed (expected {prefix}<64 hex digits>)")
    if not _matches(expected, value[len(prefix) :]):
        raise SignatureRejected(f"header {name} does not match the body")


def _check_hmac_header(headers: Mapping[str, str], name: str, expected: str) -> None:
    value = _header(headers, name)
    digest = value.removeprefix("sha256=")
    if not _HEX_DIGEST.match(digest):
        raise SignatureRejected(f"header {name} is malformed (expected 64 hex digits)")
    if not _matches(expected, digest):
        raise SignatureRejected(f"header {name} does not match the body")


def _check_fresh(timestamp: str, now: float, where: str) -> None:
    if not timestamp.isdigit():
        raise SignatureRejected(f"{where} is not a Unix timestamp")
    if abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        raise SignatureRejected(
            f"{where} is more than {TOLERANCE_SECONDS} s from this host's clock (a replay, "
            "or a clock out of sync)"
        )


def _check_stripe(headers: Mapping[str, str], key: bytes, body: bytes, now: float) -> None:
    value = _header(headers, "stripe-signature")
    pairs = [part.strip().partition("=") for part in value.split(",")]
    timestamps = [item for name, _, item in pairs if name == "t"]
    signatures = [item for name, _, item in pairs if name == "v1"]
    if len(timestamps) != 1 or not signatures:
        raise SignatureRejected("header stripe-signature is malformed (expected t=...,v1=...)")
    _check_fresh(timestamps[0], now, "the stripe-signature timestamp")
    expected = _digest(key, timestamps[0].encode() + b"." + body)
    # Every candidate is compared (no early exit on a match), one constant-time compare each.
    matched = [_matches(expected, item) for item in signatures if _HEX_DIGEST.match(item)]
    if not any(matched):
        raise SignatureRejected("no v1 signature of header stripe-signature matches the body")


def _check_slack(headers: Mapping[str, str], key: bytes, body: bytes, now: float) -> None:
    timestamp = _header(headers, "x-slack-request-timestamp")
    _check_fresh(timestamp, now, "header x-slack-request-timestamp")
    expected = _digest(key, b"v0:" + timestamp.encode() + b":" + body)
    _check_prefixed(headers, "x-slack-signature", "v0=", expected)

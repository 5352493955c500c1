"""The signature schemes, one rule per test (pure: no server, no clock but the one passed).

Signatures are computed as each vendor documents it (tests/live_events/kit.py; the links are
in live_events/signatures.py).
"""

from __future__ import annotations

import hashlib
import hmac

import pytest

from live_events.signatures import TOLERANCE_SECONDS, SignatureRejected, verify
from tests.live_events.kit import SECRET, github_signature, slack_signature, stripe_signature

BODY = b'{"action":"edited","issue":{"number":7}}'
NOW = 1_700_000_000


def test_github_accepts_its_signature_and_refuses_a_changed_byte() -> None:
    verify("github", SECRET, None, {"x-hub-signature-256": github_signature(BODY)}, BODY, NOW)
    with pytest.raises(SignatureRejected, match="does not match the body"):
        headers = {"x-hub-signature-256": github_signature(BODY)}
        verify("github", SECRET, None, headers, BODY + b" ", NOW)


def test_github_legacy_sha1_alone_is_refused() -> None:
    legacy = "sha1=" + hmac.new(SECRET.encode(), BODY, hashlib.sha1).hexdigest()
    with pytest.raises(SignatureRejected, match="x-hub-signature-256 is missing"):
        verify("github", SECRET, None, {"x-hub-signature": legacy}, BODY, NOW)


def test_stripe_accepts_any_matching_v1_and_ignores_v0() -> None:
    good = stripe_signature(BODY, NOW).split(",")[1]
    header = f"t={NOW},v1={'0' * 64},{good},v0={'f' * 64}"
    verify("stripe", SECRET, None, {"stripe-signature": header}, BODY, NOW)


@pytest.mark.parametrize("offset", [TOLERANCE_SECONDS + 1, -(TOLERANCE_SECONDS + 1)])
def test_stripe_refuses_a_timestamp_outside_the_tolerance(offset: int) -> None:
    header = stripe_signature(BODY, NOW - offset)
    with pytest.raises(SignatureRejected, match="300 s"):
        verify("stripe", SECRET, None, {"stripe-signature": header}, BODY, NOW)


def test_stripe_accepts_a_timestamp_at_the_edge_of_the_tolerance() -> None:
    header = stripe_signature(BODY, NOW - TOLERANCE_SECONDS)
    verify("stripe", SECRET, None, {"stripe-signature": header}, BODY, NOW)


@pytest.mark.parametrize(
    "header",
    [
        f"v1={'0' * 64}",  # no timestamp
        f"t=abc,v1={'0' * 64}",  # not a timestamp
        f"t={NOW}",  # no v1
        f"t={NOW},t={NOW},v1={'0' * 64}",  # two timestamps
    ],
)
def test_stripe_refuses_malformed_headers(header: str) -> None:
    with pytest.raises(SignatureRejected):
        verify("stripe", SECRET, None, {"stripe-signature": header}, BODY, NOW)


def test_slack_signs_the_timestamp_too() -> None:
    headers = {"x-slack-request-timestamp": str(NOW), "x-slack-signature": ""}
    headers["x-slack-signature"] = slack_signature(BODY, NOW)
    verify("slack", SECRET, None, headers, BODY, NOW)
    moved = {**headers, "x-slack-request-timestamp": str(NOW + 1)}  # same signature
    with pytest.raises(SignatureRejected, match="does not match"):
        verify("slack", SECRET, None, moved, BODY, NOW)


def test_slack_refuses_a_missing_or_stale_timestamp() -> None:
    signature = {"x-slack-signature": slack_signature(BODY, NOW)}
    with pytest.raises(SignatureRejected, match="x-slack-request-timestamp is missing"):
        verify("slack", SECRET, None, signature, BODY, NOW)
    stale = NOW - TOLERANCE_SECONDS - 1
    headers = {"x-slack-request-timestamp": str(stale), "x-slack-signature": ""}
    headers["x-slack-signature"] = slack_signature(BODY, stale)
    with pytest.raises(SignatureRejected, match="300 s"):
        verify("slack", SECRET, None, headers, BODY, NOW)


@pytest.mark.parametrize("prefix", ["", "sha256="])
def test_hmac_sha256_reads_the_configured_header(prefix: str) -> None:
    digest = hmac.new(SECRET.encode(), BODY, hashlib.sha256).hexdigest()
    verify("hmac_sha256", SECRET, "X-Signature", {"x-signature": prefix + digest}, BODY, NOW)
    with pytest.raises(SignatureRejected, match="x-signature is missing"):
        verify("hmac_sha256", SECRET, "X-Signature", {"x-other": digest}, BODY, NOW)


def test_none_accepts_unsigned_and_an_empty_secret_never_verifies() -> None:
    verify("none", None, None, {}, BODY, NOW)
    empty_key_signature = "sha256=" + hmac.new(b"", BODY, hashlib.sha256).hexdigest()
    with pytest.raises(SignatureRejected):
        verify("github", "", None, {"x-hub-signature-256": empty_key_signature}, BODY, NOW)


def test_rejections_never_carry_the_secret_or_a_signature() -> None:
    expected = github_signature(BODY)
    wrong = github_signature(BODY, "another-secret-0123")
    with pytest.raises(SignatureRejected) as caught:
        verify("github", SECRET, None, {"x-hub-signature-256": wrong}, BODY, NOW)
    text = str(caught.value)
    assert SECRET not in text and expected[7:] not in text and wrong[7:] not in text

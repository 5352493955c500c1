"""Stripe and Slack deliveries through the running Ocean app on loopback, into Port's stand-in.

Stripe signs `"<t>.<raw body>"` with HMAC-SHA256 and sends `Stripe-Signature: t=...,v1=...`
(several `v1` during a secret roll), rejecting timestamps over 300 s old by default
(https://docs.stripe.com/webhooks#verify-manually). Slack signs `"v0:<ts>:<raw body>"`, sends
`X-Slack-Signature: v0=...` with `X-Slack-Request-Timestamp`, and asks receivers to refuse a
timestamp more than five minutes away; a new Events API URL first gets a `url_verification`
challenge to echo (https://api.slack.com/authentication/verifying-requests-from-slack,
https://api.slack.com/events/url_verification).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.fake_port import FakePort
from tests.live_events.kit import (
    SECRET,
    running_ocean,
    slack_signature,
    stripe_signature,
    wait_for,
)
from tests.ocean_run import entity, mapping, resource

CUSTOMERS = resource(
    "/v1/customers",
    blueprint="stripeCustomer",
    identifier=".id",
    title=".name",
    data_path=".data",
    live_events={
        "when": '.body.type | startswith("customer.")',
        "item": ".body.data.object",
        "delete_when": '.body.type == "customer.deleted"',
    },
)
CHANNELS = resource(
    "/conversations.list",
    blueprint="slackChannel",
    identifier=".id",
    title=".name",
    data_path=".channels",
    live_events={"when": '.body.event.type == "channel_rename"', "item": ".body.event.channel"},
)


def _serve(resources: dict[str, Any], scheme: str) -> Iterator[tuple[str, FakePort]]:
    config = {"base_url": "http://127.0.0.1:9", "webhook_signature": scheme}
    with (
        FakePort(resources, existing=[entity("cus_1", "stripeCustomer")]) as port,
        running_ocean(port, {**config, "webhook_secret": SECRET}) as url,
    ):
        yield url, port


@pytest.fixture(scope="module")
def stripe() -> Iterator[tuple[str, FakePort]]:
    yield from _serve(mapping(CUSTOMERS), "stripe")


@pytest.fixture(scope="module")
def slack() -> Iterator[tuple[str, FakePort]]:
    yield from _serve(mapping(CHANNELS), "slack")


def customer_event(customer: str, name: str, kind: str = "customer.updated") -> bytes:
    body = {"id": "evt_1", "type": kind, "data": {"object": {"id": customer, "name": name}}}
    return json.dumps(body).encode()


def post(url: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
    headers = {"Content-Type": "application/json", **headers}
    return httpx.post(f"{url}/integration/webhook", content=body, headers=headers, timeout=30)


def titles(port: FakePort) -> dict[str, str]:
    return {e["identifier"]: e["title"] for e in port.upserted}


def only_the_sentinel_arrives(url: str, port: FakePort, sentinel: str) -> None:
    """A valid delivery sent after the refused ones: once Port has it, nothing else came."""
    body = customer_event(sentinel, "sentinel")
    now = int(time.time())
    assert post(url, body, {"Stripe-Signature": stripe_signature(body, now)}).status_code == 200
    wait_for(lambda: sentinel in titles(port), "the sentinel delivery in Port")
    assert set(titles(port)) == {sentinel} and not port.deleted


def test_a_signed_customer_update_reaches_port(stripe: tuple[str, FakePort]) -> None:
    url, port = stripe
    body = customer_event("cus_1", "Ada Lovelace Ltd")
    now = int(time.time())
    assert post(url, body, {"Stripe-Signature": stripe_signature(body, now)}).status_code == 200
    wait_for(lambda: titles(port).get("cus_1") == "Ada Lovelace Ltd", "the customer's new name")
    port.responder.upserted_entities.clear()


def test_any_matching_v1_is_accepted_during_a_secret_roll(stripe: tuple[str, FakePort]) -> None:
    url, port = stripe
    body = customer_event("cus_2", "Grace Hopper GmbH")
    now = int(time.time())
    old = stripe_signature(body, now, "whsec-the-old-secret-0123456789").split(",")[1]
    header = f"t={now},{old},{stripe_signature(body, now).split(',')[1]},v0=ignored"
    assert post(url, body, {"Stripe-Signature": header}).status_code == 200
    wait_for(lambda: titles(port).get("cus_2") == "Grace Hopper GmbH", "the update")
    port.responder.upserted_entities.clear()


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(lambda body, now: stripe_signature(body, now - 301), id="stale-timestamp"),
        pytest.param(lambda body, now: stripe_signature(body, now + 400), id="future-timestamp"),
        pytest.param(lambda body, now: stripe_signature(body, now).split(",")[1], id="no-t"),
        pytest.param(
            lambda body, now: stripe_signature(body, now).replace("v1=", "v0="), id="only-v0"
        ),
        pytest.param(
            lambda body, now: stripe_signature(body, now, "whsec-another-secret-0123"),
            id="wrong-secret",
        ),
    ],
)
def test_refused_stripe_deliveries_get_401_and_change_nothing(
    stripe: tuple[str, FakePort], header: Any
) -> None:
    url, port = stripe
    body = customer_event("cus_1", "forged name")
    response = post(url, body, {"Stripe-Signature": header(body, int(time.time()))})
    assert response.status_code == 401
    only_the_sentinel_arrives(url, port, "cus_sentinel")
    port.responder.upserted_entities.clear()


def test_slack_url_verification_is_answered_after_the_signature(
    slack: tuple[str, FakePort],
) -> None:
    url, _port = slack
    challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"  # Slack's doc example
    body = json.dumps({"token": "t", "challenge": challenge, "type": "url_verification"}).encode()
    now = int(time.time())
    unsigned = post(url, body, {})
    assert unsigned.status_code == 401
    assert "challenge" not in unsigned.text
    signed = {
        "X-Slack-Request-Timestamp": str(now),
        "X-Slack-Signature": slack_signature(body, now),
    }
    response = post(url, body, signed)
    assert response.status_code == 200
    assert response.json() == {"challenge": challenge}


def test_slack_events_apply_and_stale_ones_get_401(slack: tuple[str, FakePort]) -> None:
    url, port = slack
    event = {"type": "channel_rename", "channel": {"id": "C1", "name": "incidents"}}
    body = json.dumps({"type": "event_callback", "event": event}).encode()
    stale = int(time.time()) - 301
    headers = {"X-Slack-Request-Timestamp": str(stale), "X-Slack-Signature": ""}
    headers["X-Slack-Signature"] = slack_signature(body, stale)
    assert post(url, body, headers).status_code == 401
    now = int(time.time())
    fresh = {"X-Slack-Request-Timestamp": str(now), "X-Slack-Signature": slack_signature(body, now)}
    assert post(url, body, fresh).status_code == 200
    wait_for(lambda: titles(port).get("C1") == "incidents", "the renamed channel")
    assert len(port.upserted) == 1

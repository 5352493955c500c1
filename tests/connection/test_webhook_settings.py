"""webhookSecret / webhookSignature / webhookSignatureHeader: parsed flat, held as one group."""

from __future__ import annotations

from typing import Any

import pytest

from connection.settings import load_settings
from core.errors import ConfigurationError

SECRET = "whsec-settings-test-0123456789abcdef"
BASE = {"base_url": "https://api.example.com"}


def rejected(**raw: Any) -> str:
    with pytest.raises(ConfigurationError) as caught:
        load_settings({**BASE, **raw})
    return str(caught.value)


def test_flat_keys_in_either_spelling_land_in_the_group() -> None:
    parsed = load_settings({**BASE, "webhookSignature": "github", "webhook_secret": SECRET})
    assert parsed.webhooks.webhook_signature == "github"
    assert parsed.webhooks.enabled
    assert SECRET in parsed.secrets  # masked by value in every log line and error
    assert SECRET not in repr(parsed)


def test_unset_means_off() -> None:
    assert not load_settings(BASE).webhooks.enabled


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"webhook_signature": "github"}, "webhookSignature 'github' needs webhookSecret"),
        ({"webhook_signature": "slack", "webhook_secret": ""}, "needs webhookSecret"),
        ({"webhook_secret": SECRET}, "webhookSecret is set but webhookSignature is not"),
        (
            {"webhook_signature": "hmac_sha256", "webhook_secret": SECRET},
            "needs webhookSignatureHeader",
        ),
        (
            {
                "webhook_signature": "stripe",
                "webhook_secret": SECRET,
                "webhookSignatureHeader": "X",
            },
            "webhookSignatureHeader applies to webhookSignature hmac_sha256 only",
        ),
        ({"webhook_signature": "hmac", "webhook_secret": SECRET}, "webhookSignature: not an"),
    ],
)
def test_combinations_that_cannot_work_stop_the_start(raw: dict[str, Any], expected: str) -> None:
    message = rejected(**raw)
    assert expected in message
    assert SECRET not in message


def test_none_needs_no_secret() -> None:
    assert load_settings({**BASE, "webhook_signature": "none"}).webhooks.webhook_signature == "none"

"""Which headers carry no credential, written once (connection/neutral_headers.py): exactly those
are left unmasked in customHeaders and in a custom login's request and template, and exactly
those follow a next link to another origin."""

from __future__ import annotations

import httpx
import pytest

from connection.auth_config import CustomAuthRequest, CustomAuthTemplate
from connection.custom_headers import header_secrets
from connection.settings import ConnectionSettings
from core.redaction import Redactor
from fetching.request_sender import RequestSender
from pagination import NextPage
from tests.client_kit import endpoint as endpoint_at
from transport.stack import RequestStats

NEUTRAL = ["Accept", "Accept-Encoding", "Accept-Language", "Content-Type", "User-Agent"]
CREDENTIALS = ["Authorization", "X-Api-Key", "Cookie", "X-Tenant-Token", "Accept-Token"]
VALUE = "value-of-the-header"


@pytest.mark.parametrize("name", NEUTRAL + CREDENTIALS)
def test_the_same_headers_are_masked_in_every_place_that_masks_headers(name: str) -> None:
    masked = name not in NEUTRAL
    assert (VALUE in header_secrets({name: VALUE})) is masked
    login = CustomAuthRequest(endpoint="/login", headers={name: VALUE})
    assert (VALUE in login.secret_values()) is masked
    template = CustomAuthTemplate(headers={name: VALUE, "X-Session": "{{.token}}"})
    assert (VALUE in template.secret_values()) is masked


@pytest.mark.parametrize("name", NEUTRAL + CREDENTIALS)
async def test_exactly_the_unmasked_headers_follow_a_link_to_another_origin(name: str) -> None:
    endpoint = endpoint_at("https://api.test", "/items", headers={name: VALUE})
    settings = ConnectionSettings(base_url="https://api.test")
    async with httpx.AsyncClient() as http:
        sender = RequestSender(http, settings, Redactor())
        abroad = NextPage(url="https://elsewhere.test/items?page=2")
        request = sender.build(endpoint, abroad, RequestStats(other_origin=1))
    assert (request.headers.get(name) == VALUE) is (name in NEUTRAL)

"""The token lifecycle, driven by hand: what the auth flow yields for each response it gets."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

import httpx
import pytest

from auth.custom import CustomLoginAuth
from auth.dynamic import expires_in, renew_margin
from connection.auth_config import CustomAuthRequest, CustomAuthTemplate
from core.errors import AuthenticationError, ConfigurationError
from core.redaction import Redactor
from tests.auth.auth_kit import PASSWORD, Clock, token_number
from transport.stack import RETRYABLE

BASE = "https://api.example.com/v1"
TIMEOUT = {"connect": 7.0, "read": 7.0, "write": 7.0, "pool": 7.0}
Flow = AsyncGenerator[httpx.Request, httpx.Response]


def make_auth(clock: Clock, reauth: int | None = None, template: Any = None) -> CustomLoginAuth:
    login: dict[str, Any] = {"endpoint": "/auth/login", "body": {"user": "u", "pass": PASSWORD}}
    if reauth:
        login["reauthenticateIntervalSeconds"] = reauth
    return CustomLoginAuth(
        BASE,
        CustomAuthRequest.model_validate(login),
        CustomAuthTemplate.model_validate(
            template or {"headers": {"Authorization": "Bearer {{.access_token}}"}}
        ),
        Redactor(),
        clock=clock,
    )


def api_request(url: str = f"{BASE}/items") -> httpx.Request:
    return httpx.Request(
        "GET", url, headers={"User-Agent": "ua/1"}, extensions={"timeout": TIMEOUT}
    )


def token_response(login: httpx.Request, number: int, **extra: Any) -> httpx.Response:
    return httpx.Response(200, json={"access_token": token_number(number), **extra}, request=login)


async def finish(flow: Flow, request: httpx.Request, status: int = 200) -> None:
    with pytest.raises(StopAsyncIteration):
        await flow.asend(httpx.Response(status, json={}, request=request))


async def logged_in(auth: CustomLoginAuth, number: int = 1, **extra: Any) -> None:
    """One full request that logs in first."""
    flow = auth.async_auth_flow(api_request())
    login = await flow.__anext__()
    sent = await flow.asend(token_response(login, number, **extra))
    await finish(flow, sent)


async def first_sent(auth: CustomLoginAuth) -> tuple[Flow, httpx.Request]:
    flow = auth.async_auth_flow(api_request())
    return flow, await flow.__anext__()


async def test_the_first_request_logs_in_first_through_the_same_flow() -> None:
    auth = make_auth(Clock())
    flow, login = await first_sent(auth)
    assert (login.method, str(login.url)) == ("POST", f"{BASE}/auth/login")
    assert login.headers["content-type"] == "application/json"
    assert b'"pass":"' + PASSWORD.encode() in login.content
    # Same client settings as the API call: its timeout, retried on 429/5xx, its User-Agent.
    assert login.extensions["timeout"] == TIMEOUT
    assert login.extensions[RETRYABLE] is True
    assert login.headers["user-agent"] == "ua/1"
    assert "authorization" not in login.headers
    sent = await flow.asend(token_response(login, 1))
    assert sent.url == api_request().url
    assert sent.headers["authorization"] == f"Bearer {token_number(1)}"
    await finish(flow, sent)


async def test_a_request_to_another_origin_gets_no_login_and_no_credential() -> None:
    auth = make_auth(Clock())
    flow = auth.async_auth_flow(api_request("https://cdn.example.com/v1/items"))
    sent = await flow.__anext__()
    assert "authorization" not in sent.headers
    await finish(flow, sent)
    # Another port is another origin too.
    flow = auth.async_auth_flow(api_request("https://api.example.com:8443/v1/items"))
    assert "authorization" not in (await flow.__anext__()).headers


@pytest.mark.parametrize(
    ("lifetime", "renewed_after"),
    [(30, 27.0), (3600, 3540.0), ("600", 540.0)],  # margin: min(60 s, 10 % of the lifetime)
)
async def test_a_token_is_renewed_ahead_of_expiry(lifetime: Any, renewed_after: float) -> None:
    clock = Clock()
    auth = make_auth(clock)
    await logged_in(auth, expires_in=lifetime)
    clock.advance(renewed_after - 0.01)
    flow, sent = await first_sent(auth)
    assert sent.headers["authorization"] == f"Bearer {token_number(1)}"  # still fresh
    await finish(flow, sent)
    clock.advance(0.01)
    flow, login = await first_sent(auth)
    assert login.url.path == "/v1/auth/login"
    sent = await flow.asend(token_response(login, 2, expires_in=lifetime))
    assert sent.headers["authorization"] == f"Bearer {token_number(2)}"


async def test_a_short_lived_token_is_not_renewed_before_every_request() -> None:
    clock = Clock()
    auth = make_auth(clock)
    await logged_in(auth, expires_in=30)
    for _ in range(20):  # 20 requests over 20 s of a 30 s token: no new login
        clock.advance(1)
        flow, sent = await first_sent(auth)
        assert sent.headers["authorization"] == f"Bearer {token_number(1)}"
        await finish(flow, sent)


async def test_reauthenticate_interval_and_expires_in_the_sooner_wins() -> None:
    clock = Clock()
    auth = make_auth(clock, reauth=100)
    await logged_in(auth, expires_in=3600)
    clock.advance(89.9)  # 100 s lifetime, renewed 10 s ahead
    flow, sent = await first_sent(auth)
    assert sent.headers["authorization"] == f"Bearer {token_number(1)}"
    await finish(flow, sent)
    clock.advance(0.1)
    assert (await first_sent(auth))[1].url.path.endswith("/auth/login")


async def test_without_a_lifetime_the_token_is_kept_until_a_401() -> None:
    clock = Clock()
    auth = make_auth(clock)
    await logged_in(auth)
    clock.advance(10**7)
    _flow, sent = await first_sent(auth)
    assert sent.headers["authorization"] == f"Bearer {token_number(1)}"


async def test_a_401_logs_in_once_and_resends_the_same_request() -> None:
    auth = make_auth(Clock())
    await logged_in(auth)
    flow, sent = await first_sent(auth)
    login = await flow.asend(httpx.Response(401, request=sent))
    assert login.url.path.endswith("/auth/login")
    resent = await flow.asend(token_response(login, 2))
    assert resent.url == sent.url
    assert resent.headers["authorization"] == f"Bearer {token_number(2)}"
    await finish(flow, resent)


async def test_a_second_401_raises_an_auth_error_without_secrets() -> None:
    auth = make_auth(Clock())
    flow, login = await first_sent(auth)
    sent = await flow.asend(token_response(login, 1))
    login = await flow.asend(httpx.Response(401, request=sent))
    resent = await flow.asend(token_response(login, 2))
    echo = f"bad token {token_number(2)} for pass {PASSWORD}"
    with pytest.raises(AuthenticationError) as caught:
        await flow.asend(httpx.Response(401, text=echo, request=resent))
    message = str(caught.value)
    assert "401 again right after a fresh login" in message
    assert "customAuthRequest" in message
    assert token_number(2) not in message and PASSWORD not in message
    assert "[REDACTED]" in message


async def test_a_failed_login_fails_the_waiting_requests_without_another_login() -> None:
    auth = make_auth(Clock())
    flow_a, login = await first_sent(auth)  # A holds the lock while its login is out
    flow_b = auth.async_auth_flow(api_request())
    waiting_b = asyncio.create_task(flow_b.__anext__())
    await asyncio.sleep(0)
    assert not waiting_b.done()
    refused = httpx.Response(403, json={"error": f"wrong password {PASSWORD}"}, request=login)
    with pytest.raises(AuthenticationError) as caught:
        await flow_a.asend(refused)
    with pytest.raises(AuthenticationError) as caught_b:
        await waiting_b  # B raised instead of yielding a second login
    for error in (caught.value, caught_b.value):
        assert "returned 403" in str(error) and "customAuthRequest" in str(error)
        assert PASSWORD not in str(error)
    # A later request (say, the next resync) tries again.
    _, login_again = await first_sent(auth)
    assert login_again.url.path.endswith("/auth/login")


async def test_a_login_that_never_completes_fails_the_waiting_requests() -> None:
    auth = make_auth(Clock())
    flow_a, _login = await first_sent(auth)
    flow_b = auth.async_auth_flow(api_request())
    waiting_b = asyncio.create_task(flow_b.__anext__())
    await asyncio.sleep(0)
    await flow_a.aclose()  # what httpx does when the login send raised (timeout, refused)
    with pytest.raises(AuthenticationError, match="did not complete"):
        await waiting_b


async def test_requests_waiting_on_a_successful_login_reuse_its_token() -> None:
    auth = make_auth(Clock())
    flow_a, login = await first_sent(auth)
    flows = [auth.async_auth_flow(api_request()) for _ in range(5)]
    waiting = [asyncio.create_task(flow.__anext__()) for flow in flows]
    await asyncio.sleep(0)
    await flow_a.asend(token_response(login, 1))
    for sent in await asyncio.gather(*waiting):
        assert sent.headers["authorization"] == f"Bearer {token_number(1)}"


async def test_a_login_redirect_is_not_followed() -> None:
    auth = make_auth(Clock())
    flow, login = await first_sent(auth)
    moved = httpx.Response(302, headers={"Location": "https://sso.example.com/x"}, request=login)
    with pytest.raises(AuthenticationError, match=r"redirect to https://sso\.example\.com/x"):
        await flow.asend(moved)


async def test_a_placeholder_that_resolves_to_nothing_lists_keys_not_values() -> None:
    auth = make_auth(Clock())
    flow, login = await first_sent(auth)
    answer = {"token": token_number(1), "user": {"name": "secret-name-xyz"}, "ttl": 5}
    with pytest.raises(ConfigurationError) as caught:
        await flow.asend(httpx.Response(200, json=answer, request=login))
    message = str(caught.value)
    assert "customAuthRequestTemplate.headers.Authorization" in message
    assert "{{.access_token}} resolved to nothing" in message
    assert "top-level keys are: token, user, ttl" in message
    assert token_number(1) not in message and "secret-name-xyz" not in message


async def test_a_plain_text_login_answer_is_one_string() -> None:
    auth = make_auth(Clock(), template={"headers": {"X-Session": "{{.}}"}})
    flow, login = await first_sent(auth)
    sent = await flow.asend(httpx.Response(200, text="sess-0123456789", request=login))
    assert sent.headers["x-session"] == "sess-0123456789"


def test_the_sync_flow_is_refused() -> None:
    with pytest.raises(RuntimeError, match="AsyncClient"):
        next(make_auth(Clock()).sync_auth_flow(api_request()))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"expires_in": 3600}, 3600.0),
        ({"expires_in": "120"}, 120.0),
        ({"expires_in": 0}, None),
        ({"expires_in": "soon"}, None),
        ({"expires_in": True}, None),
        ({}, None),
        ("text", None),
    ],
)
def test_expires_in(body: Any, expected: float | None) -> None:
    assert expires_in(body) == expected


def test_renew_margin_scales_with_the_lifetime() -> None:
    assert renew_margin(30) == 3
    assert renew_margin(300) == 30
    assert renew_margin(3600) == 60
    assert renew_margin(86400) == 60


@pytest.mark.parametrize(
    ("status", "redirect"),
    [(300, False), (301, True), (302, True), (303, True), (304, False), (307, True), (308, True)],
)
async def test_a_login_is_refused_as_redirected_exactly_on_the_redirect_statuses(
    status: int, redirect: bool
) -> None:
    """RFC 9110 §15.4 (core/redirects.py): the statuses the page loop follows, and no other."""
    auth = make_auth(Clock())
    flow, login = await first_sent(auth)
    answer = httpx.Response(
        status, headers={"Location": "https://sso.example.com/x"}, request=login
    )
    with pytest.raises(AuthenticationError) as refused:
        await flow.asend(answer)
    assert ("a redirect to https://sso.example.com/x" in str(refused.value)) is redirect

"""`ApiClient` failures over a real loopback API: each raises, names the key to check, and
never shows a secret — not even one the server echoes back in a body or a next link."""

from __future__ import annotations

from base64 import b64encode
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from core.errors import (
    AuthenticationError,
    FetchError,
    OceanCustomError,
    PaginationError,
    ResponseFormatError,
)
from core.redaction import MASK
from sample_api.server import FakeApi, Received, Reply
from tests.client_kit import ITEMS, SECRET, captured_logs, endpoint, fetch

BEARER: dict[str, Any] = {"auth_type": "bearer_token", "api_token": SECRET}
BASIC: dict[str, Any] = {"auth_type": "basic", "username": "me", "password": SECRET}
ENCODED_BASIC = b64encode(f"me:{SECRET}".encode()).decode()


def echo_credentials(status: int) -> Callable[[Received], Reply]:
    """An error page that repeats the request's credentials, as some debug endpoints do."""
    return lambda r: Reply(status, {"error": "denied", "saw": r.headers.get("authorization")})


def html(_request: Received) -> Reply:
    page = f"<html><body>Sign in — session {SECRET}</body></html>".encode()
    return Reply(200, body=page, headers={"Content-Type": "text/html; charset=utf-8"})


# The servers of the loop and cap cases end by themselves (after LAST_PAGE answers), so a run
# whose guard is missing finishes and the test fails, instead of running forever.
LAST_PAGE = 6


@dataclass(frozen=True)
class Finite:
    """`handler` given the number of the answer; after LAST_PAGE answers, an empty last page.
    `fresh()` starts the count again, for each test."""

    handler: Callable[[Received, int], Reply]

    def fresh(self) -> Callable[[Received], Reply]:
        answered: list[Received] = []

        def handle(request: Received) -> Reply:
            answered.append(request)
            if len(answered) > LAST_PAGE:
                return Reply(json_body={"items": []})
            return self.handler(request, len(answered))

        return handle


@Finite
def repeating_cursor(_request: Received, number: int) -> Reply:
    # Pages differ (so the identical-page guard stays quiet) but the cursor never moves on.
    return Reply(json_body={"items": [{"id": number}], "meta": {"next": "same"}})


@Finite
def next_link_with_secret(request: Received, number: int) -> Reply:
    page = int(request.query.get("page", "1"))
    # The API puts the token in its next link, and the link stops advancing after page 2.
    link = f"/items?access_token={SECRET}&page={min(page + 1, 2)}"
    return Reply(json_body={"items": [{"id": number}], "next": link})


@Finite
def ignores_page_param(_request: Received, _number: int) -> Reply:
    return Reply(json_body={"items": [{"id": 1}, {"id": 2}]})


@Finite
def more_pages_than_the_cap(request: Received, _number: int) -> Reply:
    page = int(request.query["page"])
    return Reply(json_body={"items": [{"id": page}]})


@dataclass
class Failure:
    handler: Callable[[Received], Reply] | Finite
    error: type[OceanCustomError]
    fragments: list[str]
    settings: dict[str, Any] = field(default_factory=dict)
    selector: dict[str, Any] = field(default_factory=lambda: {"data_path": ".items"})


FAILURES: dict[str, Failure] = {
    "401": Failure(
        echo_credentials(401),
        AuthenticationError,
        ["returned 401", "Check authType", "apiToken", "apiKeyHeader", f"Bearer {MASK}"],
        BEARER,
    ),
    "401-basic-echo": Failure(
        echo_credentials(401), AuthenticationError, ["returned 401", "username"], BASIC
    ),
    "403": Failure(
        echo_credentials(403), FetchError, ["returned 403", "authType", "apiToken", "kind"], BEARER
    ),
    "404": Failure(
        lambda _r: Reply(404, {"detail": f"no such path; token {SECRET}"}),
        FetchError,
        ["returned 404", "kind path", "baseUrl", f"token {MASK}"],
        BEARER,
    ),
    "400": Failure(
        lambda _r: Reply(400, {"error": "bad filter"}),
        FetchError,
        ["returned 400", "query_params", "bad filter"],
    ),
    "500": Failure(
        lambda _r: Reply(500, {"error": SECRET}),
        FetchError,
        ["returned 500", "after retries", MASK],
        {**BEARER, "max_retries": "0"},
    ),
    "html": Failure(
        html, ResponseFormatError, ["not JSON", "text/html", "login page", MASK], BEARER
    ),
    "scalar-data-path": Failure(
        lambda _r: Reply(json_body={"items": "none", "count": 0}),
        ResponseFormatError,
        ["data_path '.items' selected a string", "[/items] GET"],
    ),
    "repeated-cursor": Failure(
        repeating_cursor,
        PaginationError,
        ["repeats an earlier one", "cursor=same", "cursorPath"],
        {"pagination_type": "cursor", "cursor_path": "meta.next", **BEARER},
    ),
    "repeated-next-link": Failure(
        next_link_with_secret,
        PaginationError,
        ["repeats an earlier one", f"access_token={MASK}&page=2", "nextLinkPath"],
        {"pagination_type": "next_link", "next_link_path": "next", **BEARER},
    ),
    "identical-page": Failure(
        ignores_page_param,
        PaginationError,
        ["page 2 is identical to page 1", "paginationParam"],
        {"pagination_type": "page"},
    ),
    "max-pages": Failure(
        more_pages_than_the_cap,
        PaginationError,
        ["maxPages=3", "raise maxPages"],
        {"pagination_type": "page", "max_pages": "3"},
    ),
}


@pytest.mark.parametrize("case", FAILURES)
async def test_failure_raises_names_the_key_and_hides_secrets(api: FakeApi, case: str) -> None:
    failure = FAILURES[case]
    handler = failure.handler
    api.route("GET", "/items", handler.fresh() if isinstance(handler, Finite) else handler)
    with captured_logs() as logs, pytest.raises(failure.error) as caught:
        await fetch(api.url, endpoint(api.url, **failure.selector), **failure.settings)
    message = str(caught.value)
    for fragment in failure.fragments:
        assert fragment in message
    for text in [message, *logs]:
        assert SECRET not in text
        assert ENCODED_BASIC not in text


async def test_status_code_is_kept_on_fetch_errors(api: FakeApi) -> None:
    api.route("GET", "/items", lambda _r: Reply(403, {"error": "forbidden"}))
    with pytest.raises(FetchError) as caught:
        await fetch(api.url)
    assert caught.value.status_code == 403


async def test_max_pages_is_not_an_error_when_the_last_page_is_exactly_the_cap(
    api: FakeApi,
) -> None:
    items = [{"id": n} for n in range(6)]

    def pages(request: Received) -> Reply:
        number = int(request.query["page"])
        return Reply(json_body={"items": items[(number - 1) * 2 : number * 2], "last": number == 3})

    api.route("GET", "/items", pages)
    result = await fetch(
        api.url, pagination_type="page", page_size="2", last_page_path="last", max_pages="3"
    )
    assert [item for page in result for item in page] == items


async def test_connection_refused_names_the_error() -> None:
    with FakeApi() as gone:
        url = gone.url  # stopped and closed on exit: nothing listens there any more
    with pytest.raises(FetchError, match=r"\[/items\] GET .* failed: ConnectError"):
        await fetch(url, max_retries="0")


async def test_connection_dropped_mid_body_is_a_fetch_error(api: FakeApi) -> None:
    api.route("GET", "/items", lambda _r: Reply(json_body={"items": ITEMS}, drop_mid_body=True))
    with pytest.raises(FetchError, match="failed: RemoteProtocolError"):
        await fetch(api.url, max_retries="0")


async def test_secret_echoed_in_a_200_next_link_never_reaches_the_logs(api: FakeApi) -> None:
    def pages(request: Received) -> Reply:
        page = int(request.query.get("page", "1"))
        link = f"/items?token={SECRET}&page={page + 1}" if page < 3 else None
        return Reply(json_body={"items": [{"id": page}], "next": link})

    api.route("GET", "/items", pages)
    with captured_logs() as logs:
        result = await fetch(api.url, pagination_type="next_link", next_link_path="next", **BEARER)
    assert result == [[{"id": 1}], [{"id": 2}], [{"id": 3}]]
    assert api.requests_to("/items")[2].query["token"] == SECRET  # the link was followed
    assert logs
    assert not [line for line in logs if SECRET in line]

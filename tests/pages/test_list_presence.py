"""Issue 19: a page without its item list is not the last page, in every pagination style.

The fake is an API behind AWS API Gateway with a Lambda custom integration: Gateway answers a
failed invocation with `200 OK` by default, the body being Lambda's error object
(https://docs.aws.amazon.com/apigateway/latest/developerguide/handle-errors-in-lambda-integration.html,
https://docs.aws.amazon.com/lambda/latest/api/API_ErrorObject.html: errorMessage, errorType,
stackTrace), or whatever error JSON the function returns itself ("The payload can contain ...
an error message as a JSON object":
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-integration-settings-integration-response.html).
Page 4 of 5 fails. Before, offset/page runs read it as an empty last page and finished.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from core.errors import ApiReportedError, ConfigurationError, PaginationError, ResponseFormatError
from pages.list_presence import ListPresence
from sample_api.server import FakeApi, Received, Reply
from tests.client_kit import api_client, collect, endpoint

SIZE, PAGES, FAILING = 2, 5, 4
ORDERS = [{"id": n, "name": f"order-{n}"} for n in range(SIZE * PAGES)]
LAMBDA_ERROR = {
    "errorMessage": "2026-12-05T05:00:00.000Z 7f1c Task timed out after 3.00 seconds",
    "errorType": "Runtime.ExitError",
    "stackTrace": ['  File "/var/task/handler.py", line 12, in handler'],
}
OWN_ERROR = {"status": "FAILED", "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"}

# style → (settings, how a request names its page, selector)
STYLES: dict[str, tuple[dict[str, str], Callable[[Received], int], dict[str, Any]]] = {
    "offset": (
        {"pagination_type": "offset"},
        lambda r: int(r.query["offset"]) // SIZE + 1,
        {},
    ),
    "page": ({"pagination_type": "page"}, lambda r: int(r.query["page"]), {}),
    "cursor": (
        {"pagination_type": "cursor", "cursor_path": "next"},
        lambda r: int(r.query.get("cursor", "1")),
        {},
    ),
    "next_link": ({"pagination_type": "next_link"}, lambda r: int(r.query.get("p", "1")), {}),
    "skip_token": ({"pagination_type": "skip_token"}, lambda r: int(r.query.get("p", "1")), {}),
    "header_link": ({"pagination_type": "header_link"}, lambda r: int(r.query.get("p", "1")), {}),
    "body": (
        {"pagination_type": "page", "pagination_location": "body"},
        lambda r: int(r.json()["page"]),
        {"method": "POST", "body": {"filter": {}}, "read_only": True},
    ),
}


def lambda_api(api: FakeApi, style: str, error: Any) -> None:
    """Five pages of two orders in every style's shape; page 4 answers `error` with 200."""
    number_of = STYLES[style][1]

    def handle(request: Received) -> Reply:
        number = number_of(request)
        if number == FAILING and error is not None:
            return Reply(200, error)
        body: dict[str, Any] = {"items": ORDERS[(number - 1) * SIZE : number * SIZE]}
        more = number < PAGES
        headers = {"Link": f'<{api.url}/orders?p={number + 1}>; rel="next"'} if more else {}
        if more:
            body |= {"next": str(number + 1), "@odata.nextLink": f"{api.url}/orders?p={number + 1}"}
        return Reply(200, body, headers=headers)

    api.route("POST" if style == "body" else "GET", "/orders", handle)


async def run(api: FakeApi, style: str, data_path: str = ".items", **raw: str) -> list[Any]:
    settings, _, selector = STYLES[style]
    target = endpoint(api.url, "/orders", data_path=data_path, **selector)
    async with api_client(api.url, page_size=str(SIZE), max_retries="0", **settings, **raw) as c:
        return await collect(c, target)


@pytest.mark.parametrize("style", list(STYLES))
async def test_an_error_object_on_page_4_of_5_fails_the_run_in_every_style(
    api: FakeApi, style: str
) -> None:
    lambda_api(api, style, OWN_ERROR)  # a shape no default knows: the list is what is missing
    with pytest.raises(ResponseFormatError) as caught:
        await run(api, style)
    message = str(caught.value)
    assert "[/orders]" in message and f"(page {FAILING})" in message
    assert "data_path '.items' found no value" in message
    assert "response keys: status, requestId" in message and "3 earlier page(s)" in message


@pytest.mark.parametrize("style", ["offset", "cursor", "header_link"])
async def test_lambdas_own_error_object_is_quoted(api: FakeApi, style: str) -> None:
    lambda_api(api, style, LAMBDA_ERROR)
    with pytest.raises(ApiReportedError) as caught:
        await run(api, style)
    message = str(caught.value)
    assert f"(page {FAILING})" in message and "data_path '.items' selected nothing" in message
    assert "Task timed out after 3.00 seconds; Runtime.ExitError" in message


@pytest.mark.parametrize("style", list(STYLES))
async def test_the_same_api_without_the_error_syncs_every_page(api: FakeApi, style: str) -> None:
    """The control: the rule does not fire on the good pages, nor on the empty list that ends
    offset/page runs."""
    lambda_api(api, style, None)
    pages = await run(api, style)
    assert [item for items in pages for item in items] == ORDERS


@pytest.mark.parametrize("body", [{"items": None, "meta": {}}, {"meta": {}}])
async def test_null_or_absent_list_after_lists_is_an_error_and_a_default_makes_it_an_end(
    api: FakeApi, body: dict[str, Any]
) -> None:
    lambda_api(api, "page", body)
    with pytest.raises(ResponseFormatError, match="found no value"):
        await run(api, "page")
    # The documented way to say "this API leaves the list out when it is empty".
    assert len(await run(api, "page", data_path=".items // []")) == 3


async def test_a_data_path_typo_fails_after_every_page_of_a_cursor_run(api: FakeApi) -> None:
    lambda_api(api, "cursor", None)
    with pytest.raises(ConfigurationError) as caught:
        await run(api, "cursor", data_path=".itmes")
    message = str(caught.value)
    assert "data_path '.itmes' found no value" in message and "on every other page" in message
    assert "response keys: items, next, @odata.nextLink" in message
    assert len(api.requests_to("/orders")) == PAGES  # every page was read before judging


async def test_a_yes_no_flag_missing_from_a_page_with_a_list_fails_a_cursor_run(
    api: FakeApi,
) -> None:
    """The stop-flag half of the rule, on the wire: every page said `hasMore: true`, then one
    carries a list and no flag."""

    def handle(request: Received) -> Reply:
        number = int(request.query.get("cursor", "1"))
        body: dict[str, Any] = {"items": ORDERS[(number - 1) * SIZE : number * SIZE]}
        if number < 3:
            body |= {"hasMore": True, "next": str(number + 1)}
        return Reply(200, body)

    api.route("GET", "/orders", handle)
    with pytest.raises(PaginationError, match=r"hasMorePath 'hasMore' is not in this response"):
        await run(api, "cursor", has_more_path="hasMore")


# --- the rule alone (pages/list_presence.py) ------------------------------------------------


def test_an_empty_list_after_lists_is_an_honest_end_and_204_is_not_judged() -> None:
    presence = ListPresence(".items[]")
    presence.observe({"items": [{"id": 1}]}, [{"id": 1}], "p1")
    presence.observe({"items": []}, [], "p2")
    presence.observe(None, [], "p3")
    presence.observe({}, [], "p4")
    presence.finish()
    with pytest.raises(ResponseFormatError, match=r"p5: data_path '\.items\[\]' found no value"):
        presence.observe({"items": None}, [], "p5")


def test_no_data_path_an_object_after_arrays_is_an_error_but_one_object_is_one_item() -> None:
    single = ListPresence(None)
    single.observe({"id": 1}, [{"id": 1}], "p1")
    single.finish()
    arrays = ListPresence(None)
    arrays.observe([{"id": 1}], [{"id": 1}], "p1")
    with pytest.raises(ResponseFormatError, match=r"not an array \(response keys: errorMessage"):
        arrays.observe(LAMBDA_ERROR, [LAMBDA_ERROR], "p2")

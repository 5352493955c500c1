"""A 2xx with an empty body is not an empty page: through real Ocean with a seeded Port.

Issue 14 saw a HubSpot-shaped API answer page 2 with an empty 200 body: pagination ended
("hasMorePath not in the response"), the resync completed, and 150 of 250 contacts were deleted.
Now such a page fails the resync naming the page (number and URL, secrets masked). 204 No
Content (RFC 9110 section 15.3.5: "no additional content") stays an empty page, and so does an
empty body from an endpoint whose selector says `allow_empty_body: true`.
"""

from __future__ import annotations

from typing import Any

import pytest

from sample_api.server import FakeApi, Received, Reply
from tests.client_kit import SECRET
from tests.log_capture import captured_logs
from tests.ocean_run import entity, mapping, resource, run_resync
from tests.pages.test_error_bodies import failed_safely

ITEMS = [{"id": n, "name": f"item-{n}"} for n in range(6)]
STALE = [entity(str(n)) for n in range(6)] + [entity("stale")]
EMPTY = {"empty": b"", "whitespace": b" \r\n\t "}


def config(api: FakeApi, **extra: str) -> dict[str, Any]:
    return {
        "base_url": api.url,
        "auth_type": "bearer_token",
        "api_token": SECRET,
        "pagination_type": "offset",
        "page_size": "2",
        **extra,
    }


def offset_pages(blank_offset: int | None, blank: Reply) -> Any:
    def handle(request: Received) -> Reply:
        offset, limit = int(request.query["offset"]), int(request.query["limit"])
        if offset == blank_offset:
            return blank
        return Reply(200, {"items": ITEMS[offset : offset + limit]})

    return handle


@pytest.mark.parametrize("page", [1, 2])
@pytest.mark.parametrize("body", list(EMPTY))
async def test_an_empty_200_on_page_1_or_2_fails_the_resync(
    api: FakeApi, page: int, body: str
) -> None:
    api.route("GET", "/items", offset_pages((page - 1) * 2, Reply(200, body=EMPTY[body])))
    with captured_logs() as logs:
        result = await run_resync(
            config(api), mapping(resource("/items", data_path=".items")), STALE
        )
    message = failed_safely(result, logs)
    assert (
        f"/items?offset={(page - 1) * 2}&limit=2 (page {page}) returned 200 with an empty body"
        in (message)
    )
    assert "selector.allow_empty_body: true" in message
    assert sorted(e["identifier"] for e in result.upserted_entities) == (
        [] if page == 1 else ["0", "1"]
    )


async def test_hubspot_shaped_cursor_run_with_an_empty_page_2_deletes_nothing(api: FakeApi) -> None:
    """HubSpot CRM v3 lists (https://developers.hubspot.com/docs/api/crm/understanding-the-crm
    #paging-through-results): `{"results": [...], "paging": {"next": {"after": "..."}}}`,
    no `paging` on the last page — here page 2 comes back empty instead."""

    def handle(request: Received) -> Reply:
        start = int(request.query.get("after", "0"))
        if start == 2:
            return Reply(200, body=b"")
        paging = {"paging": {"next": {"after": str(start + 2)}}} if start + 2 < 6 else {}
        return Reply(200, {"results": ITEMS[start : start + 2], **paging})

    api.route("GET", "/crm/v3/objects/contacts", handle)
    settings = config(
        api,
        pagination_type="cursor",
        pagination_param="after",
        cursor_path="paging.next.after",
        has_more_path="paging.next",
    )
    contacts = resource("/crm/v3/objects/contacts", data_path=".results")
    with captured_logs() as logs:
        result = await run_resync(settings, mapping(contacts), STALE)
    message = failed_safely(result, logs)
    assert "after=2" in message and "(page 2) returned 200 with an empty body" in message


async def test_the_url_of_an_empty_page_is_named_with_its_secrets_masked(api: FakeApi) -> None:
    """A next link that carries the token (as some APIs echo it) is masked in the message."""

    def handle(request: Received) -> Reply:
        if request.query.get("page") == "2":
            return Reply(200, body=b"")
        link = f"{api.url}/items?page=2&access_token={SECRET}"
        return Reply(200, {"items": ITEMS[:2], "@odata.nextLink": link})

    api.route("GET", "/items", handle)
    target = resource("/items", data_path=".items")
    with captured_logs() as logs:
        result = await run_resync(config(api, pagination_type="next_link"), mapping(target), STALE)
    message = failed_safely(result, logs)
    assert "access_token=[REDACTED] (page 2) returned 200 with an empty body" in message


async def test_a_single_request_with_an_empty_body_fails(api: FakeApi) -> None:
    """paginationType none reads the body through the streaming path."""
    api.route("GET", "/items", lambda _r: Reply(200, body=b""))
    target = resource("/items", data_path=".items")
    with captured_logs() as logs:
        result = await run_resync(config(api, pagination_type="none"), mapping(target), STALE)
    assert "(page 1) returned 200 with an empty body" in failed_safely(result, logs)


@pytest.mark.parametrize(
    ("blank", "selector"),
    [
        (Reply(204), {}),
        (Reply(200, body=b""), {"allow_empty_body": True}),
        (Reply(200, body=b"\n"), {"allow_empty_body": True}),
    ],
    ids=["204", "allowed-empty", "allowed-whitespace"],
)
async def test_204_and_an_allowed_empty_body_are_the_empty_last_page(
    api: FakeApi, blank: Reply, selector: dict[str, Any]
) -> None:
    api.route("GET", "/items", offset_pages(6, blank))
    target = resource("/items", data_path=".items", **selector)
    result = await run_resync(config(api), mapping(target), STALE)
    assert result.errors == [] and len(result.upserted_entities) == 6
    assert [e["identifier"] for e in result.deleted_entities] == ["stale"]


async def test_an_allowed_empty_single_response_is_no_items(api: FakeApi) -> None:
    api.route("GET", "/items", lambda _r: Reply(200, body=b""))
    target = resource("/items", data_path=".items", allow_empty_body=True)
    result = await run_resync(config(api, pagination_type="none"), mapping(target))
    assert result.errors == [] and result.upserted_entities == []


async def test_allow_empty_body_must_be_a_boolean(api: FakeApi) -> None:
    target = resource("/items", data_path=".items", allow_empty_body="sometimes")
    result = await run_resync(config(api), mapping(target), STALE)
    assert result.errors and "allow_empty_body" in str(result.errors[0])
    assert result.deleted_entities == [] and api.received == []

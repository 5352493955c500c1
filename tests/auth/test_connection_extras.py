"""A query string in baseUrl and customHeaders, through the real Ocean app, on the wire.

Port's Canny example puts the API key in baseUrl (`https://canny.io/api/v1?apiKey=...`); the
reference implementation reads `customHeaders` with `${ENV_VAR}` values. Both must reach every
request to baseUrl's origin, never another origin, and never a log line.
"""

from __future__ import annotations

from typing import Any

import pytest

from sample_api.server import FakeApi, Received, Reply
from tests.log_capture import captured_logs
from tests.ocean_run import entity, mapping, resource, run_resync

API_KEY = "canny-" + "k3y" * 12  # long: a leak cannot hide behind a short-mask coincidence
TENANT_TOKEN = "tenant-" + "t0k" * 12
USERS = [{"id": i, "name": f"user-{i}"} for i in range(4)]
EXISTING = [entity(str(i)) for i in range(4)] + [entity("stale")]


def linked_pages(other: FakeApi) -> Any:
    """Page 1 links to page 2 on the same origin; page 2 links to a CDN on another origin."""

    def handler(request: Received) -> Reply:
        page = int(request.query.get("page", "1"))
        if page == 1:
            return Reply(json_body={"users": USERS[:2], "next": "/api/v1/users?page=2"})
        return Reply(json_body={"users": USERS[2:3], "next": f"{other.url}/cdn/users?page=3"})

    return handler


def serve(api: FakeApi, other: FakeApi) -> None:
    api.route("GET", "/api/v1/users", linked_pages(other))
    other.json_route("/cdn/users", {"users": USERS[3:], "next": None})


def link_config(api: FakeApi, **extra: Any) -> dict[str, Any]:
    return {
        "pagination_type": "next_link",
        "next_link_path": "next",
        "max_retries": "0",
        **extra,
        "base_url": extra.get("base_url", api.url + "/api"),
    }


USERS_RESOURCE = resource("/v1/users", data_path=".users")


async def test_base_url_query_goes_to_its_origin_only_and_never_into_a_log(
    api: FakeApi, other_api: FakeApi
) -> None:
    serve(api, other_api)
    config = link_config(api, base_url=f"{api.url}/api?apiKey={API_KEY}&region=eu")
    with captured_logs() as lines:
        result = await run_resync(config, mapping(USERS_RESOURCE), EXISTING)
    assert result.errors == []
    assert sorted(e["identifier"] for e in result.upserted_entities) == ["0", "1", "2", "3"]
    assert [e["identifier"] for e in result.deleted_entities] == ["stale"]
    own = api.requests_to("/api/v1/users")
    assert [r.query.get("apiKey") for r in own] == [API_KEY, API_KEY]
    assert [r.query.get("region") for r in own] == ["eu", "eu"]
    assert own[1].query["page"] == "2"  # the link's own params are kept
    cdn = other_api.requests_to("/cdn/users")
    assert len(cdn) == 1 and "apiKey" not in cdn[0].query and "region" not in cdn[0].query
    log = "\n".join(lines)
    assert "baseUrl query: apiKey, region (values masked)" in log
    assert API_KEY not in log


async def test_a_selector_param_of_the_same_name_wins_over_the_base_query(api: FakeApi) -> None:
    api.json_route("/api/v1/users", {"users": USERS})
    config = {"base_url": f"{api.url}/api?region=eu&apiKey={API_KEY}", "max_retries": "0"}
    overriding = resource("/v1/users", data_path=".users", query_params={"region": "us"})
    result = await run_resync(config, mapping(overriding))
    assert result.errors == []
    (sent,) = api.requests_to("/api/v1/users")
    assert (sent.query["region"], sent.query["apiKey"]) == ("us", API_KEY)


async def test_an_error_echoing_the_base_query_key_is_masked(api: FakeApi) -> None:
    api.route(
        "GET", "/api/v1/users", lambda r: Reply(403, {"error": f"key {r.query['apiKey']} revoked"})
    )
    config = {"base_url": f"{api.url}/api?apiKey={API_KEY}", "max_retries": "0"}
    with captured_logs() as lines:
        result = await run_resync(config, mapping(USERS_RESOURCE), EXISTING)
    assert result.errors and result.deleted_entities == []
    message = str(result.errors[0])
    assert "403" in message and "revoked" in message
    assert API_KEY not in message and API_KEY not in "\n".join(lines)


async def test_custom_headers_go_to_the_base_origin_with_env_values(
    api: FakeApi, other_api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TENANT_TOKEN", TENANT_TOKEN)
    serve(api, other_api)
    headers = {
        "X-Tenant": "acme",
        "Authorization": "Token ${TENANT_TOKEN}",
        "Accept": "application/vnd.api+json",
    }
    with captured_logs() as lines:
        result = await run_resync(
            link_config(api, custom_headers=headers), mapping(USERS_RESOURCE), EXISTING
        )
    assert result.errors == []
    assert len(result.upserted_entities) == 4
    for sent in api.requests_to("/api/v1/users"):
        assert sent.headers["x-tenant"] == "acme"
        assert sent.headers["authorization"] == f"Token {TENANT_TOKEN}"
        assert sent.headers["accept"] == "application/vnd.api+json"  # over the client default
    (cdn,) = other_api.requests_to("/cdn/users")
    assert "x-tenant" not in cdn.headers and "authorization" not in cdn.headers
    assert TENANT_TOKEN not in "\n".join(lines)


async def test_selector_headers_win_over_custom_headers(api: FakeApi) -> None:
    api.json_route("/api/v1/users", {"users": USERS})
    config = {"base_url": api.url + "/api", "custom_headers": '{"X-Tenant": "acme"}'}
    own = resource("/v1/users", data_path=".users", headers={"X-Tenant": "other"})
    result = await run_resync(config, mapping(own))
    assert result.errors == []
    (sent,) = api.requests_to("/api/v1/users")
    assert sent.headers["x-tenant"] == "other"


async def test_secrets_env_fills_the_setting_through_real_ocean(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Port's Claude page: `OCEAN__INTEGRATION__SECRETS__API_KEY`, which Ocean itself ignores."""
    monkeypatch.setenv("OCEAN__INTEGRATION__SECRETS__API_KEY", API_KEY)
    api.route(
        "GET",
        "/api/v1/users",
        lambda r: (
            Reply(json_body={"users": USERS})
            if r.headers.get("x-api-key") == API_KEY
            else Reply(401, {"error": "invalid x-api-key"})
        ),
    )
    config = {"base_url": api.url + "/api", "auth_type": "api_key", "api_key_header": "x-api-key"}
    result = await run_resync(config, mapping(USERS_RESOURCE), EXISTING)
    assert result.errors == []
    assert [e["identifier"] for e in result.deleted_entities] == ["stale"]


async def test_a_secret_given_both_ways_with_different_values_stops_the_start(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OCEAN__INTEGRATION__SECRETS__API_TOKEN", API_KEY)
    monkeypatch.setenv("OCEAN__INTEGRATION__CONFIG__API_TOKEN", TENANT_TOKEN)
    with pytest.raises(Exception) as caught:
        await run_resync({"base_url": api.url, "auth_type": "bearer_token"}, mapping())
    message = str(caught.value)
    assert "apiToken: set both as OCEAN__INTEGRATION__CONFIG__API_TOKEN and as" in message
    assert API_KEY not in message and TENANT_TOKEN not in message

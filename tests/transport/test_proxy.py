"""HTTP(S)_PROXY / NO_PROXY are honoured although our client brings its own transport."""

from __future__ import annotations

import pytest

from sample_api.server import FakeApi, Reply
from tests.ocean_run import mapping, resource, run_resync

ITEMS = [{"id": n, "name": f"item-{n}"} for n in range(3)]


async def test_requests_go_through_the_proxy_the_environment_names(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `api` plays the forward proxy: it receives absolute-form requests for a host it is not.
    api.route("GET", "/api/items", lambda _r: Reply(json_body=ITEMS))
    monkeypatch.setenv("HTTP_PROXY", api.url)
    result = await run_resync(
        {"base_url": "http://api.internal.example:8080/api", "max_retries": "0"},
        mapping(resource("/items")),
    )
    assert result.errors == []
    assert [e["identifier"] for e in result.upserted_entities] == ["0", "1", "2"]
    (seen,) = api.received
    assert seen.headers["host"] == "api.internal.example:8080"


async def test_no_proxy_hosts_are_reached_directly(
    api: FakeApi, other_api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.route("GET", "/api/items", lambda _r: Reply(json_body=ITEMS))
    monkeypatch.setenv("HTTP_PROXY", other_api.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    result = await run_resync({"base_url": api.url + "/api"}, mapping(resource("/items")))
    assert result.errors == [] and len(result.upserted_entities) == 3
    assert other_api.received == [] and len(api.received) == 1

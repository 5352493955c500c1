"""Resync-level behaviour through the real Ocean app: what Port receives, and what it deletes.

Ocean deletes every entity a *completed* resync did not produce. These tests pin the contract
that any failure inside a kind raises out of the resync, so nothing is deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from loguru import logger

from core.errors import ConfigurationError
from sample_api.server import FakeApi, Received, Reply
from tests.ocean_run import entity, mapping, resource, run_resync

TOKEN = "tok-" + "s3cr3t" * 8  # long, so Ocean's substring masking cannot hide a leak by luck
USERS = [{"id": i, "name": f"user-{i}"} for i in range(10)]


def offset_pages(
    items: list[dict[str, Any]], fail_at_offset: int | None = None
) -> Callable[[Received], Reply]:
    def handler(request: Received) -> Reply:
        offset, limit = int(request.query["offset"]), int(request.query["limit"])
        if offset == fail_at_offset:
            return Reply(500, {"error": "database unavailable", "echo": TOKEN})
        return Reply(json_body={"users": items[offset : offset + limit]})

    return handler


def config(api: FakeApi, **extra: Any) -> dict[str, Any]:
    return {
        "base_url": api.url + "/api",
        "auth_type": "bearer_token",
        "api_token": TOKEN,
        "pagination_type": "offset",
        "page_size": "2",
        "max_retries": "1",
        **extra,
    }


USERS_RESOURCE = resource("/v1/users", blueprint="user", data_path=".users")
STALE = [entity(str(i), "user") for i in range(10)] + [entity("gone", "user")]


@pytest.fixture
def logs() -> Iterator[list[str]]:
    lines: list[str] = []
    sink = logger.add(lambda message: lines.append(str(message)), level="DEBUG")
    yield lines
    logger.remove(sink)


async def test_items_become_entities_and_stale_ones_are_deleted(api: FakeApi) -> None:
    api.route("GET", "/api/v1/users", offset_pages(USERS))
    # One page at a time: the exact wire is asserted (the default's parallel pages:
    # tests/fetching/test_parallel_by_default.py).
    result = await run_resync(config(api, parallel_pages="1"), mapping(USERS_RESOURCE), STALE)
    assert result.errors == []
    upserted = {e["identifier"]: e for e in result.upserted_entities}
    assert sorted(upserted, key=int) == [str(u["id"]) for u in USERS]
    assert upserted["3"]["title"] == "user-3" and upserted["3"]["blueprint"] == "user"
    assert [e["identifier"] for e in result.deleted_entities] == ["gone"]
    # The wire: bearer token on every request, offset advancing by items received.
    requests = api.requests_to("/api/v1/users")
    assert [r.query["offset"] for r in requests] == ["0", "2", "4", "6", "8", "10"]
    assert {r.headers["authorization"] for r in requests} == {f"Bearer {TOKEN}"}


async def test_500_on_page_3_keeps_earlier_pages_and_deletes_nothing(
    api: FakeApi, logs: list[str]
) -> None:
    api.route("GET", "/api/v1/users", offset_pages(USERS, fail_at_offset=4))
    one_at_a_time = config(api, parallel_pages="1")  # the exact attempts are asserted
    result = await run_resync(one_at_a_time, mapping(USERS_RESOURCE), STALE)
    assert result.deleted_entities == []
    assert sorted(e["identifier"] for e in result.upserted_entities) == ["0", "1", "2", "3"]
    message = str(result.errors[0])
    assert "500" in message and "/api/v1/users" in message and "offset=4" in message
    # Retried once (maxRetries=1), then failed: two attempts at the failing page.
    assert [r.query["offset"] for r in api.requests_to("/api/v1/users")] == ["0", "2", "4", "4"]
    assert TOKEN not in message and not any(TOKEN in line for line in logs)


async def test_failure_in_one_kind_protects_every_kind(api: FakeApi) -> None:
    api.route("GET", "/api/v1/users", offset_pages(USERS))
    api.route("GET", "/api/v1/teams", lambda _r: Reply(503, {"error": "maintenance"}))
    teams = resource("/v1/teams", blueprint="team", data_path=".teams")
    stale = [*STALE, entity("t-old", "team")]
    result = await run_resync(config(api), mapping(USERS_RESOURCE, teams), stale)
    assert result.errors and "503" in str(result.errors[0])
    assert result.deleted_entities == []


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (
            Reply(
                body=b"<html><body>Please log in</body></html>",
                headers={"Content-Type": "text/html"},
            ),
            "not JSON (text/html)",
        ),
        (Reply(json_body={"users": "oops"}), "items must be JSON objects"),
        (Reply(401, {"error": "bad token"}), "rejected the credentials"),
        (Reply(404, {"error": "nope"}), "check the kind path"),
    ],
    ids=["html-200", "data-path-scalar", "401", "404"],
)
async def test_unusable_responses_fail_the_resync(
    api: FakeApi, reply: Reply, expected: str
) -> None:
    api.route("GET", "/api/v1/users", lambda _r: reply)
    result = await run_resync(config(api), mapping(USERS_RESOURCE), STALE)
    assert result.deleted_entities == [] and result.upserted_entities == []
    assert expected in str(result.errors[0])


async def test_timeout_is_applied_and_fails_the_resync(api: FakeApi) -> None:
    api.route("GET", "/api/v1/users", lambda _r: Reply(json_body={"users": []}, delay=1.0))
    result = await run_resync(
        config(api, timeout="0.2", max_retries="0"), mapping(USERS_RESOURCE), STALE
    )
    assert result.deleted_entities == []
    assert "timed out" in str(result.errors[0]) and "timeout=0.2s" in str(result.errors[0])


async def test_looping_cursor_is_stopped_and_deletes_nothing(api: FakeApi) -> None:
    answered: list[Received] = []

    def looping(request: Received) -> Reply:
        # The cursor never moves on; after 6 answers the list ends, so that a run without the
        # repeat guard finishes (and this test fails) instead of running forever.
        answered.append(request)
        if len(answered) > 6:
            return Reply(json_body={"users": []})
        return Reply(json_body={"users": [{"id": len(answered), "name": "x"}], "next": "same"})

    api.route("GET", "/api/v1/users", looping)
    settings = config(api, pagination_type="cursor", cursor_path="next")
    result = await run_resync(settings, mapping(USERS_RESOURCE), STALE)
    assert result.deleted_entities == []
    assert "repeats an earlier one" in str(result.errors[0])


async def test_invalid_data_path_is_a_configuration_error(api: FakeApi) -> None:
    api.route("GET", "/api/v1/users", offset_pages(USERS))
    broken = resource("/v1/users", blueprint="user", data_path=".users[")
    result = await run_resync(config(api), mapping(broken), STALE)
    assert result.deleted_entities == [] and api.received == []
    assert "data_path" in str(result.errors[0]) or ".users[" in str(result.errors[0])


@pytest.mark.parametrize(
    ("bad", "named"),
    [
        ({"auth_type": "basic_token"}, "authType"),
        ({"pagination_type": "pages"}, "paginationType"),
        ({"page_size": "abc"}, "pageSize"),
        ({"timeout": "soon"}, "timeout"),
        ({"api_token": ""}, "apiToken"),
        ({"pagination_type": "cursor", "cursor_path": ".data["}, "cursorPath"),
    ],
)
async def test_invalid_settings_stop_the_integration_at_start(
    api: FakeApi, bad: dict[str, Any], named: str
) -> None:
    with pytest.raises(ConfigurationError) as raised:
        await run_resync(config(api, **bad), mapping(USERS_RESOURCE), STALE)
    assert named in str(raised.value) and TOKEN not in str(raised.value)
    assert api.received == []


async def test_malformed_base_url_is_rejected_by_ocean_naming_the_key(api: FakeApi) -> None:
    # baseUrl is a `url` in spec.yaml, so Ocean's own config model rejects it first.
    with pytest.raises(ValueError, match="base_url"):
        await run_resync(config(api, base_url="api.example.com"), mapping(USERS_RESOURCE))
    assert api.received == []


async def test_64_bit_ids_reach_port_exactly(api: FakeApi) -> None:
    # jq alone rounds integers beyond 2**53; two distinct ids must stay two distinct entities.
    ids = [1234567890123456789, 1234567890123456790]
    api.route(
        "GET",
        "/api/v1/users",
        lambda _r: Reply(json_body={"users": [{"id": i, "name": str(i)} for i in ids]}),
    )
    selected = resource("/v1/users", blueprint="user", data_path=".users[] | select(.id > 0)")
    result = await run_resync(config(api, pagination_type="none"), mapping(selected))
    assert result.errors == []
    assert sorted(e["identifier"] for e in result.upserted_entities) == [str(i) for i in ids]


async def test_none_in_oceans_log_lines_is_not_shown_as_a_secret(api: FakeApi) -> None:
    """Booting Ocean with an unset sensitive setting (password, with a bearer token) must not
    turn every "None" Ocean logs into "None[REDACTED]"; the token stays masked."""
    from port_ocean.log.sensetive import sensitive_log_filter

    api.route("GET", "/api/v1/users", offset_pages(USERS))
    result = await run_resync(config(api), mapping(USERS_RESOURCE))
    assert result.errors == []
    assert sensitive_log_filter.mask_string("'body': None") == "'body': None"
    assert TOKEN not in sensitive_log_filter.mask_string(f"Bearer {TOKEN}")

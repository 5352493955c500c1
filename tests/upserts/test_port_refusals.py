"""Port refused the entities: the resync fails and Ocean deletes nothing (issue 19, part 4).

Through the real Ocean harness, with Port seeded with what it holds from this installation and
answering as its API reference says (`refusing_port.py`): Port down for one blueprint (500 to
every upsert of it), with Ocean's comparison search failing too (its fallback then reports only
the accepted entities, and its reconciliation would delete the rest) and with it working; and
Port refusing a few entities for their schema (207 Multi-Status, 422 per entity).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sample_api.server import FakeApi, Received, Reply
from tests.ocean_run import entity, mapping, resource
from tests.upserts.refusing_port import PORT_DOWN, Refusals, refusing_port, resync_against


def numbered(prefix: str, count: int) -> list[dict[str, Any]]:
    return [{"id": f"{prefix}{n}", "name": f"{prefix} {n}"} for n in range(count)]


def offset_pages(items: list[dict[str, Any]]) -> Callable[[Received], Reply]:
    def handler(request: Received) -> Reply:
        offset, limit = int(request.query["offset"]), int(request.query["limit"])
        return Reply(json_body={"data": items[offset : offset + limit]})

    return handler


TEAMS, SERVICES, USERS = numbered("t", 100), numbered("s", 502), numbered("u", 50)
# Services between two healthy kinds: the failure must hold back the deletions of all three.
THREE_KINDS = mapping(
    *(resource(f"/{n}", blueprint=b, data_path=".data") for n, b in
      [("teams", "team"), ("services", "service"), ("users", "user")])
)  # fmt: skip
# Port holds all of them, and one team the API no longer lists (a completed resync deletes it).
HELD = [
    *(entity(t["id"], "team") for t in TEAMS),
    *(entity(s["id"], "service") for s in SERVICES),
    *(entity(u["id"], "user") for u in USERS),
    entity("gone", "team"),
]
SERVICE_DOWN = {"service": (500, PORT_DOWN)}


@pytest.fixture
def three_apis(api: FakeApi) -> dict[str, Any]:
    for name, items in (("teams", TEAMS), ("services", SERVICES), ("users", USERS)):
        api.route("GET", f"/{name}", offset_pages(items))
    return {"base_url": api.url, "pagination_type": "offset", "page_size": "100"}


def deleted(result: Any) -> list[tuple[str, str]]:
    return sorted((e["blueprint"], e["identifier"]) for e in result.deleted_entities)


def upserted(result: Any, blueprint: str) -> int:
    return sum(1 for e in result.upserted_entities if e["blueprint"] == blueprint)


@pytest.mark.parametrize("search_fails", [True, False], ids=["search-fails", "search-works"])
async def test_port_refusing_every_upsert_of_a_blueprint_fails_the_resync(
    three_apis: dict[str, Any], search_fails: bool
) -> None:
    port = refusing_port(THREE_KINDS, HELD, Refusals(SERVICE_DOWN, search_fails=search_fails))
    (result,) = await resync_against(port, three_apis, THREE_KINDS)

    assert deleted(result) == []  # not the services, nor the other kinds' stale team
    assert len(result.errors) == 1
    message = str(result.errors[0])
    assert "Port refused entities that resource #1 (kind /services) sent" in message
    assert "502 of the 502 entities of blueprint 'service' sent to Port" in message
    assert "(e.g. s0, s1, s2, s3, s4)" in message
    assert (
        "Port said: HTTP 500 for 502 entities: internal_error: An internal error occurred "
        "while writing entities, try again later." in message
    )
    assert "The resync fails so that nothing is deleted" in message
    # Port answered every service request with its 500; the other kinds were written.
    service_writes = [status for path, status in port.requests if "/service/" in path]
    assert service_writes and set(service_writes) == {500}
    assert upserted(result, "service") == 0
    assert (upserted(result, "team"), upserted(result, "user")) == (100, 50)


@pytest.mark.parametrize("search_fails", [True, False], ids=["search-fails", "search-works"])
async def test_port_refusing_a_few_entities_for_their_schema_fails_the_resync(
    three_apis: dict[str, Any], search_fails: bool
) -> None:
    # A refused entity must never be deleted, and Ocean's reconciliation cannot spare some
    # entities of a kind: so any refusal fails the resync (the accepted ones are written).
    invalid = {
        s: f'Entity "{s}" of blueprint "service" does not match the schema: "tier" must be string'
        for s in ("s7", "s150", "s501")
    }
    port = refusing_port(THREE_KINDS, HELD, Refusals(invalid=invalid, search_fails=search_fails))
    (result,) = await resync_against(port, three_apis, THREE_KINDS)

    assert deleted(result) == []
    message = str(result.errors[0])
    assert (
        "3 of the 502 entities of blueprint 'service' sent to Port (e.g. s7, s150, s501)" in message
    )
    for s in ("s7", "s150", "s501"):  # Port's own words, one per entity
        assert f"HTTP 422 for 1 entity: invalid_entity: {invalid[s]}" in message
    assert upserted(result, "service") == 499


async def test_nothing_refused_completes_and_deletes_the_stale(three_apis: dict[str, Any]) -> None:
    port = refusing_port(THREE_KINDS, HELD, Refusals(search_fails=True))
    (result,) = await resync_against(port, three_apis, THREE_KINDS)

    assert result.errors == []
    assert deleted(result) == [("team", "gone")]


async def test_the_applier_alone_never_lets_a_refused_entity_be_deleted(
    three_apis: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Second line: with the kind's failure switched off, Ocean's fallback still gets the refused
    entities back from the applier, so its reconciliation deletes only what the API dropped."""

    async def unchecked(pages: Any, _redact: Any) -> Any:
        async for items in pages:
            yield items

    monkeypatch.setattr("upserts.check.fail_on_refusals", unchecked)  # main.py imports it anew
    port = refusing_port(THREE_KINDS, HELD, Refusals(SERVICE_DOWN, search_fails=True))
    (result,) = await resync_against(port, three_apis, THREE_KINDS)

    assert result.errors == []
    assert deleted(result) == [("team", "gone")]


SECRET = "tok-" + "9f8e7d6c5b4a" * 4  # the API token, echoed by Port around the 300th character


async def test_port_words_are_masked_before_they_are_shortened(
    three_apis: dict[str, Any],
) -> None:
    echoed = {**PORT_DOWN, "message": "x" * 250 + f" token {SECRET} rejected"}
    port = refusing_port(THREE_KINDS, HELD, Refusals({"service": (400, echoed)}))
    config = {**three_apis, "auth_type": "bearer_token", "api_token": SECRET}
    (result,) = await resync_against(port, config, THREE_KINDS)

    message = str(result.errors[0])
    assert "HTTP 400 for 502 entities: internal_error: xxx" in message
    assert "token [REDACTED] rejected" in message
    assert SECRET[:6] not in message  # a cut before masking would keep the secret's start
    assert deleted(result) == []


async def test_the_next_resync_starts_with_a_clean_record(three_apis: dict[str, Any]) -> None:
    """Refusals belong to their resync: once Port takes the entities again, the next one
    completes (and deletes the stale team)."""
    port = refusing_port(THREE_KINDS, HELD, Refusals(SERVICE_DOWN, search_fails=True))
    failed, recovered = await resync_against(port, three_apis, THREE_KINDS, then=Refusals())

    assert "502 of the 502 entities" in str(failed.errors[0]) and deleted(failed) == []
    assert recovered.errors == []
    assert deleted(recovered) == [("team", "gone")]
    assert upserted(recovered, "service") == 502


async def test_error_answers_ocean_reads_as_accepted_still_fail_the_resync(
    three_apis: dict[str, Any],
) -> None:
    """After a 413, Ocean sends each entity alone and takes an error answer without an entity
    in it as a success: only Port's answers tell that none was written."""
    refuse = Refusals(SERVICE_DOWN, too_large={"service"})
    port = refusing_port(THREE_KINDS, HELD, refuse)
    (result,) = await resync_against(port, three_apis, THREE_KINDS)

    assert {status for path, status in port.requests if "/service/" in path} == {413, 500}
    message = str(result.errors[0])
    assert "502 of the 502 entities of blueprint 'service' sent to Port;" in message
    assert "HTTP 500 for 502 entities: internal_error: An internal error" in message
    assert deleted(result) == []


async def test_a_first_install_that_port_refuses_does_not_say_completed(
    three_apis: dict[str, Any],
) -> None:
    """Nothing in Port yet, so nothing to delete; but Port holds none of the services, and the
    resync must say so rather than "completed"."""
    port = refusing_port(THREE_KINDS, [], Refusals(SERVICE_DOWN))
    (result,) = await resync_against(port, three_apis, THREE_KINDS)

    assert "502 of the 502 entities of blueprint 'service' sent to Port" in str(result.errors[0])
    assert (upserted(result, "team"), upserted(result, "service")) == (100, 0)

"""Port's calls in flight together, in Ocean's order's outcome (issue 21, part 2).

Through the real Ocean harness with a Port that holds what it is sent, answers the comparison
search from it and answers each request a set time later (`holding_port.py`): a batch's upserts
run while Ocean compares the next batch, several comparison searches run at once — and Port ends
up holding exactly what Ocean's own order leaves, including an entity written twice in a run.
`OCEAN_CUSTOM_CONCURRENT_PORT_CALLS=false` is Ocean's order: nothing in flight together.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from port_ocean.core.handlers import HttpEntitiesStateApplier

from sample_api.server import FakeApi, Received, Reply
from tests.ocean_run import mapping, resource
from tests.upserts.holding_port import HoldingPort, overlapping, resync_with

SWITCH = "OCEAN_CUSTOM_CONCURRENT_PORT_CALLS"
THINGS = mapping(resource("/things", blueprint="thing", data_path=".data",
                          properties={"state": ".state"}))  # fmt: skip


def things(prefix: str, count: int, state: str = "live") -> list[dict[str, Any]]:
    return [{"id": f"{prefix}{n}", "name": f"{prefix}{n}", "state": state} for n in range(count)]


def held(item: dict[str, Any]) -> dict[str, Any]:
    """`item` as Port holds it after this mapping wrote it."""
    return {
        "identifier": item["id"],
        "blueprint": "thing",
        "title": item["name"],
        "properties": {"state": item["state"]},
        "relations": {},
    }


def pages(listed: list[list[dict[str, Any]]], delays: list[float]) -> Callable[[Received], Reply]:
    """Offset pages of 60, each `delays[k]` seconds late; past the last, an empty page."""

    def handler(request: Received) -> Reply:
        k = int(request.query["offset"]) // 60
        if k >= len(listed):
            return Reply(json_body={"data": []})
        return Reply(json_body={"data": listed[k]}, delay=delays[k])

    return handler


def config(api: FakeApi) -> dict[str, Any]:
    return {"base_url": api.url, "pagination_type": "offset", "page_size": "60"}


@pytest.mark.parametrize("concurrent", [True, False], ids=["concurrent", "ocean-order"])
async def test_upserts_overlap_the_next_comparison_and_searches_overlap_each_other(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch, concurrent: bool
) -> None:
    monkeypatch.setenv(SWITCH, "true" if concurrent else "false")
    listed = [things(f"p{k}-", 60) for k in range(3)]
    # Port already holds a third of them unchanged: those are compared away, never written.
    unchanged = [item for page in listed for item in page[::3]]
    port = HoldingPort(THINGS, [held(i) for i in unchanged], write_delay=0.3, search_delay=0.05)
    api.route("GET", "/things", pages(listed, [0, 0.05, 0.05]))

    result = await resync_with(port, config(api), THINGS)

    assert result.errors == []
    written = sorted(e["identifier"] for e in result.upserted_entities)
    assert written == sorted(i["id"] for page in listed for i in page if i not in unchanged)
    assert sorted(port.held) == sorted(("thing", i["id"]) for page in listed for i in page)
    searches = [s for s in port.spans if s.kind == "search"]
    assert len(searches) >= 4  # 50 identifiers a search: two or more a batch of 60 or 120
    if concurrent:
        assert overlapping(port.spans, "write", "search") > 0  # compared while writing
        assert overlapping(port.spans, "search", "search") > 0  # searches side by side
    else:
        assert overlapping(port.spans, "write", "search") == 0
        assert overlapping(port.spans, "search", "search") == 0


@pytest.mark.parametrize("concurrent", [True, False], ids=["concurrent", "ocean-order"])
async def test_an_entity_written_twice_ends_as_the_later_batch_says(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch, concurrent: bool
) -> None:
    """X is listed twice (items moved between pages): "new" on page 1, then "old" — what Port
    held before the run — on page 2, which arrives while page 1's upsert is still in flight.
    In Ocean's order page 2's comparison sees "new" and writes "old" back; a comparison that
    read Port before page 1's write landed would see "old", skip it, and leave "new"."""
    monkeypatch.setenv(SWITCH, "true" if concurrent else "false")
    x_old, x_new = (
        {"id": "x", "name": "x", "state": "old"},
        {"id": "x", "name": "x", "state": "new"},
    )
    listed = [[*things("a", 59), x_new], [*things("b", 59), x_old]]
    port = HoldingPort(THINGS, [held(x_old)], write_delay=0.4)
    api.route("GET", "/things", pages(listed, [0, 0.05]))

    result = await resync_with(port, config(api), THINGS)

    assert result.errors == []
    assert port.held[("thing", "x")]["properties"] == {"state": "old"}
    x_writes = [
        e["properties"]["state"] for e in result.upserted_entities if e["identifier"] == "x"
    ]
    assert x_writes == ["new", "old"]


async def test_a_bad_switch_value_stops_the_start(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SWITCH, "sometimes")
    api.route("GET", "/things", pages([things("a", 3)], [0]))
    with pytest.raises(Exception) as raised:
        await resync_with(HoldingPort(THINGS, []), config(api), THINGS)
    assert f"{SWITCH}='sometimes' is not a boolean" in str(raised.value)


TOKEN = "tok-9f8e7d6c5b4a39281706"


@pytest.mark.parametrize("concurrent", [True, False], ids=["concurrent", "ocean-order"])
@pytest.mark.parametrize("failing_from", [2, 3], ids=["mid-run", "last-batch"])
async def test_an_upsert_that_raises_fails_the_kind_and_nothing_is_deleted(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch, concurrent: bool, failing_from: int
) -> None:
    """Ocean's upsert raising (not Port refusing: e.g. Port's token endpoint down when the
    token is renewed) from batch `failing_from` on, of three: with the upserts in the background
    the failure surfaces after the upsert was handed off — at the next batch, or after the
    last one — and still fails the kind before anything is deleted, with no configured secret
    in what the integration says of it."""
    monkeypatch.setenv(SWITCH, "true" if concurrent else "false")
    calls = 0
    ocean_upsert = HttpEntitiesStateApplier.upsert

    async def upsert(self: HttpEntitiesStateApplier, *args: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls >= failing_from:
            raise RuntimeError(f"token renewal failed for Bearer {TOKEN}")
        return await ocean_upsert(self, *args)

    monkeypatch.setattr(HttpEntitiesStateApplier, "upsert", upsert)
    listed = [things(f"p{k}-", 60) for k in range(3)]
    port = HoldingPort(THINGS, [held({"id": "gone", "name": "gone", "state": "live"})],
                       write_delay=0.2)  # fmt: skip
    api.route("GET", "/things", pages(listed, [0, 0.05, 0.3]))

    result = await resync_with(port, {**config(api), "auth_type": "bearer_token",
                                      "api_token": TOKEN}, THINGS)  # fmt: skip

    assert result.deleted_entities == []  # "gone" stays: the resync did not complete
    assert result.errors, "the kind must fail"
    said = " ".join(str(error) for error in result.errors)
    if concurrent:  # (in Ocean's order the error is Ocean's own, printed as Ocean prints it)
        assert TOKEN not in said
    if concurrent and failing_from == 3:  # raised after the last batch, by the handler
        assert "An upsert of resource #0 (kind /things) to Port failed: RuntimeError" in said
        assert "nothing is deleted" in said

from __future__ import annotations

from sample_api.server import FakeApi, Reply
from tests.ocean_run import mapping, resource, run_resync


async def test_offset_endpoint_reaches_port(api: FakeApi) -> None:
    users = [{"id": i, "name": f"user-{i}"} for i in range(7)]

    def page(request):  # type: ignore[no-untyped-def]
        offset, limit = int(request.query["offset"]), int(request.query["limit"])
        return Reply(json_body={"users": users[offset : offset + limit]})

    api.route("GET", "/api/v1/users", page)
    result = await run_resync(
        {"base_url": api.url + "/api", "pagination_type": "offset", "page_size": "3"},
        mapping(resource("/v1/users", data_path=".users")),
    )
    assert result.errors == []
    assert sorted(e["identifier"] for e in result.upserted_entities) == [str(i) for i in range(7)]

"""`selector.timeout`: a resource's own per-attempt deadline, in place of the connection's
`timeout` for that endpoint's requests (connection/call_fields.py; transport/deadline.py reads
each request's timeout).

Through a real resync: one slow loopback endpoint that the connection's timeout tolerates, read
by two resources; the one whose own timeout is shorter fails the resync naming its kind and the
timeout, the other syncs, and nothing is deleted. No wall time is asserted: the server's delay
is well past the short timeout and well within the connection's.
"""

from __future__ import annotations

import json

import pytest
from pydantic.v1 import ValidationError

from integration import EndpointPortAppConfig
from sample_api.server import FakeApi, Reply
from tests.client_kit import SECRET
from tests.ocean_run import entity, mapping, resource, run_resync
from tests.slow_body_server import SlowBodyServer, trickle

SLOW = 1.0  # seconds before the fake API answers: over 0.3, under the connection's 10
ITEMS = [{"id": n, "name": f"item-{n}"} for n in range(3)]


def slow_items(api: FakeApi, path: str) -> None:
    api.route("GET", path, lambda _request: Reply(json_body={"items": ITEMS}, delay=SLOW))


@pytest.mark.timeout(60)
async def test_a_resources_own_timeout_fails_a_call_the_connections_tolerates(
    api: FakeApi,
) -> None:
    slow_items(api, "/reports")
    slow_items(api, "/exports")
    config = {
        "base_url": api.url,
        "auth_type": "bearer_token",
        "api_token": SECRET,
        "timeout": "10",
        "max_retries": "0",
    }
    impatient = resource("/reports", blueprint="report", data_path=".items", timeout=0.3)
    patient = resource("/exports", blueprint="export", data_path=".items")
    existing = [entity("stale", "report"), entity("stale", "export")]
    result = await run_resync(config, mapping(impatient, patient), existing)

    assert result.errors and result.deleted_entities == []
    message = str(result.errors[0])
    assert "[/reports]" in message and "timeout=0.3s" in message, message
    assert "selector.timeout" in message
    assert SECRET not in message
    exported = sorted(
        e["identifier"] for e in result.upserted_entities if e["blueprint"] == "export"
    )
    assert exported == ["0", "1", "2"]  # the connection's timeout=10 waits for the slow API
    assert len(api.requests_to("/reports")) == 1  # maxRetries 0: one attempt


@pytest.mark.timeout(60)
async def test_the_attempt_deadline_is_the_resources_own_timeout() -> None:
    """A body trickled a byte every 0.2 s: no single read waits a whole second, so only the
    attempt's deadline (transport/deadline.py) can end it, and with the resource's timeout=1
    rather than the connection's 30 (which the server's own bound, 15 s, would outlast)."""
    body = json.dumps({"items": ITEMS}).encode()
    with SlowBodyServer(lambda _query: trickle(body, every=0.2), 15, 10_000) as server:
        config = {"base_url": server.url, "timeout": "30", "max_retries": "0"}
        slow = resource("/items", data_path=".items", timeout=1)
        result = await run_resync(config, mapping(slow), [entity("stale")])
    assert result.errors and result.deleted_entities == []
    message = str(result.errors[0])
    assert "timeout=1s" in message and "connect, headers and body" in message, message


@pytest.mark.parametrize("value", [0, -1, "soon"])
def test_a_timeout_that_is_not_a_positive_number_fails_the_mapping(value: object) -> None:
    config = {"resources": [resource("/reports", timeout=value)]}
    with pytest.raises(ValidationError) as caught:
        EndpointPortAppConfig.parse_obj(config)
    assert "resources[0].selector.timeout" in str(caught.value)

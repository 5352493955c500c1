"""`live_events.refetch`: the item read again from a real API on loopback, through running Ocean.

The API is sample_api's FakeApi, answering as GitHub's REST API does for one issue
(https://docs.github.com/en/rest/issues/issues#get-an-issue): 200 with the issue object, 404
for an issue that no longer exists. Decided outcomes: 200 → the API's copy is upserted (not the
delivery's), 404 → the entity is deleted, anything else → nothing changes, logged.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from sample_api.server import FakeApi, Reply
from tests.fake_port import FakePort
from tests.live_events.kit import SECRET, github_signature, running_ocean, wait_for
from tests.log_capture import captured_logs
from tests.ocean_run import entity, mapping, resource

ISSUES = resource(
    "/repos/acme/widgets/issues",
    blueprint="githubIssue",
    identifier=".number | tostring",
    title=".title",
    live_events={
        "when": '.headers["x-github-event"] == "issues"',
        "item": ".body.issue",
        "refetch": True,
        "refetch_path": "/repos/acme/widgets/issues/{.number}",
    },
)


@dataclass
class Stand:
    url: str
    port: FakePort
    api: FakeApi
    logs: list[str]


@pytest.fixture(scope="module")
def stand() -> Iterator[Stand]:
    existing = [entity(str(n), "githubIssue") for n in (5, 6, 7)]
    with (
        captured_logs() as lines,
        FakeApi() as api,
        FakePort(mapping(ISSUES), existing=existing) as port,
    ):
        api.json_route("/repos/acme/widgets/issues/5", {"number": 5, "title": "as the API has it"})
        api.route("GET", "/repos/acme/widgets/issues/7", lambda _r: Reply(500, {"message": "x"}))
        config = {"base_url": api.url, "max_retries": "0", "webhook_signature": "github"}
        with running_ocean(port, {**config, "webhook_secret": SECRET}) as url:
            yield Stand(url, port, api, lines)


def deliver(url: str, number: int) -> None:
    body = json.dumps({"action": "edited", "issue": {"number": number, "title": "stale"}})
    headers = {"X-GitHub-Event": "issues", "X-Hub-Signature-256": github_signature(body.encode())}
    response = httpx.post(f"{url}/integration/webhook", content=body, headers=headers)
    assert response.status_code == 200


def test_a_refetched_item_is_upserted_as_the_api_has_it(stand: Stand) -> None:
    deliver(stand.url, 5)
    wait_for(lambda: any(e["identifier"] == "5" for e in stand.port.upserted), "issue 5")
    assert [e["title"] for e in stand.port.upserted] == ["as the API has it"]
    assert stand.api.requests_to("/repos/acme/widgets/issues/5")


def test_a_404_on_refetch_deletes_the_entity(stand: Stand) -> None:
    deliver(stand.url, 6)
    wait_for(lambda: any(e["identifier"] == "6" for e in stand.port.deleted), "issue 6 deleted")


def test_another_refetch_failure_changes_nothing_and_is_logged(stand: Stand) -> None:
    deliver(stand.url, 7)
    wait_for(
        lambda: any("returned 500" in line and "changes nothing" in line for line in stand.logs),
        "the refetch error line",
    )
    deliver(stand.url, 5)  # a later delivery, applied: the 500 one was finished before it
    wait_for(lambda: len(stand.port.upserted) == 2, "the later delivery")
    assert {e["identifier"] for e in stand.port.upserted} == {"5"}
    assert {e["identifier"] for e in stand.port.deleted} == {"6"}

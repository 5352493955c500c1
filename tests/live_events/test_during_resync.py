"""A delivery that lands while a scheduled resync of its kind runs is not undone by the resync.

Ocean runs with the POLLING listener (live events beside resyncs; it resyncs once at start).
The API (a real loopback server) answers the resync's page with the issue as it was *before*
the delivery, and holds the answer back until the delivery has reached Port: the resync then
upserts that older copy. The live title must be what Port ends with, and the resync must
finish without deleting anything.
"""

from __future__ import annotations

import json
import threading

import httpx

from sample_api.server import FakeApi, Received, Reply
from tests.fake_port import FakePort
from tests.live_events.kit import SECRET, github_signature, running_ocean, wait_for
from tests.ocean_run import entity, mapping, resource

KIND = "/repos/acme/widgets/issues"
ISSUES = resource(
    KIND,
    blueprint="githubIssue",
    identifier=".number | tostring",
    title=".title",
    live_events={"when": '.headers["x-github-event"] == "issues"', "item": ".body.issue"},
)


def test_the_live_title_survives_a_resync_page_fetched_before_it() -> None:
    page_requested, delivered = threading.Event(), threading.Event()

    def old_page(_request: Received) -> Reply:
        page = [{"number": 7, "title": "before the delivery"}]  # read before the delivery
        page_requested.set()
        delivered.wait(timeout=60)  # answered only once the live title is in Port
        return Reply(json_body=page)

    with (
        FakeApi() as api,
        FakePort(mapping(ISSUES), existing=[entity("7", "githubIssue")]) as port,
    ):
        api.route("GET", KIND, old_page)
        config = {"base_url": api.url, "webhook_signature": "github", "webhook_secret": SECRET}
        with running_ocean(port, config, listener="POLLING") as url:
            wait_for(page_requested.is_set, "the resync's request for the page")
            body = json.dumps({"action": "edited", "issue": {"number": 7, "title": "live"}})
            headers = {
                "X-GitHub-Event": "issues",
                "X-Hub-Signature-256": github_signature(body.encode()),
            }
            response = httpx.post(f"{url}/integration/webhook", content=body, headers=headers)
            assert response.status_code == 200
            wait_for(lambda: "live" in titles(port), "the live title in Port")
            delivered.set()
            wait_for(lambda: port.resync_state.get("status") == "completed", "the resync's end")
            wait_for(lambda: titles(port)[-1] == "live", "the live title applied again")
            assert titles(port) == ["live", "before the delivery", "live"]
            assert port.deleted == []


def titles(port: FakePort) -> list[str]:
    return [e["title"] for e in port.upserted if e["identifier"] == "7"]

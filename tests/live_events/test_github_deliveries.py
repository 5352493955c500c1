"""GitHub `issues` deliveries through the running Ocean app (real HTTP on loopback) into Port.

One Ocean serves the whole module (`WEBHOOKS_ONLY`, webhookSignature github) with Port's
stand-in (tests/fake_port.py) seeded with issue 7. Deliveries are signed as GitHub documents
(https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries): the hex
HMAC-SHA256 of the raw body in `X-Hub-Signature-256: sha256=...`.

Ocean applies deliveries in a worker, after answering; "Port unchanged" is therefore read
after a valid *sentinel* delivery (issue 99) sent later has been applied. The resources a
delivery matches are not written to Port in a fixed order, so each test waits for every effect
of its own deliveries (on both resources of the kind) before the next test's sentinel.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.fake_port import FakePort
from tests.live_events.kit import SECRET, github_signature, running_ocean, wait_for
from tests.log_capture import captured_logs
from tests.ocean_run import entity, mapping, resource

KIND = "/repos/acme/widgets/issues"
LIVE = {"when": '.headers["x-github-event"] == "issues"', "item": ".body.issue"}
ISSUES = resource(
    KIND,
    blueprint="githubIssue",
    identifier=".number | tostring",
    title=".title",
    live_events={**LIVE, "delete_when": '.body.action == "deleted"'},
)
# The same kind again, another blueprint: one delivery updates both resources. Its query keeps
# out issues titled "hidden": Ocean then deletes their entity, as a resync would.
TITLES = resource(
    KIND,
    blueprint="issueTitle",
    identifier='"t-" + (.number | tostring)',
    title=".title",
    query='.title != "hidden"',
    live_events=LIVE,
)
# A resource whose item jq fails on these deliveries (the title is not JSON text).
BROKEN = resource(
    "/broken",
    blueprint="broken",
    live_events={**LIVE, "item": ".body.issue.title | fromjson"},
)
MAPPING = mapping(ISSUES, TITLES, BROKEN)
SENTINEL = 99


@dataclass
class App:
    url: str
    port: FakePort
    logs: list[str]  # every log line of the module so far, DEBUG included

    def logged(self, text: str) -> bool:
        return any(text in line for line in self.logs)


@pytest.fixture(scope="module")
def served() -> Iterator[App]:
    existing = [entity("7", "githubIssue"), entity("t-7", "issueTitle")]
    config = {"base_url": "http://127.0.0.1:9", "webhook_signature": "github"}
    with (
        captured_logs() as lines,
        FakePort(MAPPING, existing=existing) as port,
        running_ocean(port, {**config, "webhook_secret": SECRET}) as url,
    ):
        yield App(url, port, lines)


@pytest.fixture
def app(served: App) -> App:
    changes_before_sentinel(served.url, served.port)  # the previous test's work is all done
    served.port.responder.upserted_entities.clear()
    served.port.responder.deleted_entities.clear()
    return served


def issue_body(number: int, title: str, action: str = "edited") -> bytes:
    return json.dumps({"action": action, "issue": {"number": number, "title": title}}).encode()


def deliver(
    url: str, body: bytes | Any, signature: str | None = None, event: str = "issues", **more: str
) -> httpx.Response:
    headers = {"Content-Type": "application/json", "X-GitHub-Event": event, **more}
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    return httpx.post(f"{url}/integration/webhook", content=body, headers=headers, timeout=30)


def upserted(port: FakePort, blueprint: str = "githubIssue") -> dict[str, str]:
    return {e["identifier"]: e["title"] for e in port.upserted if e["blueprint"] == blueprint}


def changes_before_sentinel(url: str, port: FakePort) -> list[Any]:
    """Send the sentinel, wait until Port has it, and return every other change Port saw."""
    body = issue_body(SENTINEL, "sentinel")
    assert deliver(url, body, github_signature(body)).status_code == 200
    wait_for(
        lambda: str(SENTINEL) in upserted(port) and f"t-{SENTINEL}" in upserted(port, "issueTitle"),
        "the sentinel delivery in Port",
    )
    others = [e for e in port.upserted if not e["identifier"].endswith(str(SENTINEL))]
    return others + port.deleted


def test_edited_issue_updates_the_entity_title(app: App) -> None:
    url, port = app.url, app.port
    body = issue_body(7, "Widgets break on Mondays")
    response = deliver(url, body, github_signature(body))
    assert response.status_code == 200
    wait_for(lambda: upserted(port).get("7") == "Widgets break on Mondays", "the new title")
    # The same delivery matched the second resource of the kind, mapped by its own mapping.
    wait_for(lambda: upserted(port, "issueTitle").get("t-7") == "Widgets break on Mondays", "t-7")
    assert not port.deleted


def test_the_resources_query_applies_to_live_items(app: App) -> None:
    url, port = app.url, app.port
    body = issue_body(7, "hidden")
    assert deliver(url, body, github_signature(body)).status_code == 200
    wait_for(lambda: upserted(port).get("7") == "hidden", "the first resource's update")
    wait_for(lambda: any(e["identifier"] == "t-7" for e in port.deleted), "t-7 deleted")
    assert "t-7" not in upserted(port, "issueTitle")


def test_deleted_issue_deletes_the_entity(app: App) -> None:
    url, port = app.url, app.port
    body = issue_body(7, "Widgets break on Mondays", action="deleted")
    assert deliver(url, body, github_signature(body)).status_code == 200
    wait_for(lambda: any(e["identifier"] == "7" for e in port.deleted), "the deletion")
    # The second resource has no delete_when: it upserts its own entity of the delivery.
    wait_for(lambda: "t-7" in upserted(port, "issueTitle"), "the second resource's update")
    assert {"identifier": "7", "blueprint": "githubIssue"}.items() <= port.deleted[0].items()
    assert "7" not in upserted(port)


@pytest.mark.parametrize(
    "sign",
    [
        pytest.param(lambda body: None, id="missing"),
        pytest.param(lambda body: github_signature(body, "another-secret-0123"), id="wrong"),
        pytest.param(lambda body: "sha256=zz", id="malformed"),
        pytest.param(lambda body: github_signature(body)[7:], id="no-prefix"),
        pytest.param(lambda body: "", id="empty"),
    ],
)
def test_unauthenticated_deliveries_get_401_and_change_nothing(
    app: App, sign: Callable[[bytes], str | None]
) -> None:
    url, port = app.url, app.port
    body = issue_body(7, "forged title")
    response = deliver(url, body, sign(body))
    assert response.status_code == 401
    assert response.json() == {"status": "unauthorized"}
    assert changes_before_sentinel(url, port) == []


def test_legacy_sha1_signature_alone_is_not_enough(app: App) -> None:
    url, port = app.url, app.port
    body = issue_body(7, "forged title")
    legacy = "sha1=" + hmac.new(SECRET.encode(), body, hashlib.sha1).hexdigest()  # correct!
    assert deliver(url, body, **{"X-Hub-Signature": legacy}).status_code == 401
    assert changes_before_sentinel(url, port) == []


def test_a_signature_over_another_body_gets_401(app: App) -> None:
    url, port = app.url, app.port
    signed = issue_body(7, "the title that was signed")
    sent = issue_body(7, "the title an attacker sends")
    assert deliver(url, sent, github_signature(signed)).status_code == 401
    # Same JSON, other bytes (whitespace): the signature covers the raw body, not its meaning.
    respaced = json.dumps(json.loads(signed), indent=2).encode()
    assert deliver(url, respaced, github_signature(signed)).status_code == 401
    assert changes_before_sentinel(url, port) == []


def test_a_forged_marker_header_does_not_pass_the_gate(app: App) -> None:
    url, port = app.url, app.port
    body = issue_body(7, "forged title")
    response = deliver(url, body, **{"X-Ocean-Custom-Gate-Token": "guess"})
    assert response.status_code == 401
    assert changes_before_sentinel(url, port) == []


def test_a_2_mib_body_gets_413_and_the_next_delivery_still_applies(
    app: App,
) -> None:
    url, port = app.url, app.port
    big = issue_body(7, "x" * (2 * 1024 * 1024))
    assert deliver(url, big, github_signature(big)).status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer encoding
        for start in range(0, len(big), 64 * 1024):
            yield big[start : start + 64 * 1024]

    assert deliver(url, chunks(), github_signature(big)).status_code == 413
    body = issue_body(7, "after the big one")
    assert deliver(url, body, github_signature(body)).status_code == 200
    wait_for(lambda: upserted(port).get("7") == "after the big one", "the next delivery")
    wait_for(lambda: upserted(port, "issueTitle").get("t-7") == "after the big one", "t-7")


def test_an_unmatched_event_is_acknowledged_and_changes_nothing(app: App) -> None:
    url, port = app.url, app.port
    body = json.dumps({"ref": "refs/heads/main", "commits": []}).encode()
    assert deliver(url, body, github_signature(body), event="push").status_code == 200
    assert changes_before_sentinel(url, port) == []
    wait_for(
        lambda: app.logged(
            "matched no resource's live_events.when (event header: x-github-event='push')"
        ),
        "the debug line",
    )


def test_ping_is_acknowledged(app: App) -> None:
    url, port = app.url, app.port
    body = json.dumps({"zen": "Keep it logically awesome.", "hook_id": 1}).encode()
    response = deliver(url, body, github_signature(body), event="ping")
    assert response.status_code == 200
    assert changes_before_sentinel(url, port) == []
    assert app.logged("acknowledged GitHub's ping")  # by the gate: never queued as an event
    assert not app.logged("x-github-event='ping'")


def test_a_failing_item_jq_is_logged_and_that_resource_changes_nothing(app: App) -> None:
    url, port = app.url, app.port
    body = issue_body(8, "not json")
    assert deliver(url, body, github_signature(body)).status_code == 200
    wait_for(lambda: upserted(port).get("8") == "not json", "the other resources' update")
    wait_for(lambda: upserted(port, "issueTitle").get("t-8") == "not json", "t-8")
    expected = "resources[2] (kind /broken): live_events.item '.body.issue.title | fromjson'"
    wait_for(lambda: app.logged(expected), "the error line naming the resource and jq")
    assert not [e for e in port.upserted if e["blueprint"] == "broken"]


def test_neither_the_secret_nor_the_expected_signature_is_logged(app: App) -> None:
    url, port = app.url, app.port
    body = issue_body(7, "forged for the log test")
    expected = github_signature(body)  # what the receiver computes for this body
    assert deliver(url, body, github_signature(body, "another-secret-0123")).status_code == 401
    changes_before_sentinel(url, port)
    assert app.logged("rejected (401, webhookSignature github)")  # capture works
    assert app.logged("DEBUG")
    for line in app.logs:
        assert SECRET not in line
        assert expected[7:] not in line

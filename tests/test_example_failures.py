"""The examples that page in request bodies and response headers fail the resync, and delete
nothing, when their API answers its documented error — on the first page and on a later one.

A later page matters most: the pages before it already reached Port, so a resync that read the
error as "no more pages" would finish as complete and Ocean would delete everything the
missing pages held. Each case takes the example's files unchanged and its fake
(tests/example_fakes/), and swaps one response of one endpoint for the API's own error shape.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

import pytest

from sample_api.server import FakeApi, Handler, Received, Reply
from tests.example_fakes import elasticsearch, notion
from tests.ocean_run import entity, run_resync
from tests.test_examples import load_example

RATE_LIMITED = {
    "type": "RATE_LIMITED",
    "message": "API rate limit already exceeded for user ID 4242.",
}


@dataclass(frozen=True)
class Case:
    example: str
    method: str
    path: str
    nth: int  # which request to that endpoint gets the error (1: the first page)
    reply: Reply | Handler
    says: str  # text of the API's own message that the resync error must carry
    seeded: tuple[str, str]  # (identifier, blueprint) of an entity Port already has
    # Resources sharing one path (GraphQL): the failing resource's requests hold this text.
    marker: bytes = b""

    def sent(self, api: FakeApi) -> int:
        """The requests the failing resource made; the error must be its last."""
        return sum(self.marker in request.body for request in api.requests_to(self.path))

    def expected_sent(self) -> int:
        # The third GraphQL request is the second of the repositories (teams have one page).
        return 2 if self.marker == b"repositories(" else self.nth


def graphql_partial(_request: Received) -> Reply:
    """A later page with data *and* errors: partial data is not a complete page."""
    organization = {"repositories": {"nodes": [], "pageInfo": {"endCursor": None}}}
    return Reply(json_body={"data": {"organization": organization}, "errors": [RATE_LIMITED]})


CASES = [
    Case(
        "notion",
        "POST",
        notion.QUERY_PATH,
        1,
        notion.error(401, "unauthorized", "API token is invalid."),
        "API token is invalid",
        ("c3d40000-0000-4000-8000-000000000000", "notionService"),
    ),
    Case(
        "notion",
        "POST",
        notion.QUERY_PATH,
        2,
        notion.error(404, "object_not_found", "Could not find database with ID: 668d797c."),
        "Could not find database",
        ("c3d40000-0000-4000-8000-000000000000", "notionService"),
    ),
    Case(
        "github_graphql",
        "POST",
        "/graphql",
        1,
        Reply(
            json_body={
                "data": {"organization": None},
                "errors": [
                    {
                        "type": "NOT_FOUND",
                        "path": ["organization"],
                        "message": "Could not resolve to an Organization with the login of 'x'.",
                    }
                ],
            }
        ),
        "Could not resolve to an Organization",
        ("team-000", "githubTeam"),
        b"teams(",
    ),
    Case(
        "github_graphql",
        "POST",
        "/graphql",
        3,  # the second repositories page (the first request is the one teams page)
        graphql_partial,
        "API rate limit already exceeded",
        ("service-000", "githubRepository"),
        b"repositories(",
    ),
    Case(
        "elasticsearch",
        "POST",
        "/services/_search",
        1,
        elasticsearch.DENIED,
        "security_exception",
        ("svc-0000", "esService"),
    ),
    Case(
        "elasticsearch",
        "POST",
        "/deployments/_search",
        2,
        elasticsearch.bad_request(
            "illegal_argument_exception", "No mapping found for [deployment_id] in order to sort on"
        ),
        "No mapping found for [deployment_id]",
        ("dep-00001", "esDeployment"),
    ),
    Case(
        "azure_devops",
        "GET",
        "/your-organization/_apis/projects",
        2,
        Reply(401, body=b"Access Denied: the Personal Access Token used has expired."),
        "401",
        ("00000000-b535-4f16-9323-bd0f63c38163", "azureDevopsProject"),
    ),
    Case(
        "jira_cloud",
        "POST",
        "/rest/api/3/search/jql",
        2,
        Reply(400, {"errorMessages": ["The value 'P000' does not exist for the field 'project'."]}),
        "does not exist for the field",
        ("P000-1", "jiraIssue"),
    ),
]


def failing_at(handler: Handler, nth: int, reply: Reply | Handler) -> Handler:
    """`handler`, except that its `nth` request (1-based) gets `reply`."""
    seen = 0

    def wrapped(request: Received) -> Reply:
        nonlocal seen
        seen += 1
        if seen != nth:
            return handler(request)
        return reply(request) if callable(reply) else reply

    return wrapped


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{case.example}-{case.path}-request{case.nth}" for case in CASES]
)
async def test_the_apis_error_fails_the_resync_and_deletes_nothing(
    case: Case, api: FakeApi
) -> None:
    example = load_example(case.example)
    importlib.import_module(f"tests.example_fakes.{case.example}").install(api)
    key = (case.method, case.path)
    api.routes[key] = failing_at(api.routes[key], case.nth, case.reply)
    existing = [entity(*case.seeded)]

    result = await run_resync(example.config_for(api.url), example.app_config, existing)

    assert result.errors, "the resync finished as complete"
    assert case.says in str(result.errors[0])
    assert result.deleted_entities == []
    assert case.sent(api) == case.expected_sent()  # that resource stopped at the error


def test_every_case_names_a_route_its_fake_serves() -> None:
    """So a renamed path in a fake cannot turn a case into one that never fails."""
    served: dict[str, Any] = {}
    for name in sorted({case.example for case in CASES}):
        with FakeApi() as server:
            importlib.import_module(f"tests.example_fakes.{name}").install(server)
            served[name] = set(server.routes)
    assert [c for c in CASES if (c.method, c.path) not in served[c.example]] == []

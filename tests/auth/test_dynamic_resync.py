"""Dynamic auth inside the real Ocean app: entities on success, nothing deleted on any auth
failure, and no secret in any log line or error of a full run."""

from __future__ import annotations

import json
from typing import Any

import httpx

from sample_api.server import FakeApi, Received, Reply
from tests.auth.auth_kit import CLIENT_SECRET, PASSWORD, LoginServer, all_logs, token_number
from tests.ocean_run import entity, mapping, resource, run_resync

USERS = [{"id": n, "name": f"user-{n}"} for n in range(5)]
USERS_RESOURCE = resource("/api/users", blueprint="user", data_path=".users")
STALE = [entity("gone", "user"), entity("old", "user")]
# Ocean by default refuses to delete most of a blueprint at once; lifting that guard makes
# "nothing deleted" prove that the failure raised out of the resync.
DELETING = {**mapping(USERS_RESOURCE), "entityDeletionThreshold": 1.0}
FORM_LOGIN = {
    "endpoint": "/oauth/token",
    "method": "POST",
    "bodyForm": f"grant_type=client_credentials&client_id=x&client_secret={PASSWORD}",
}
JSON_LOGIN = {"endpoint": "/auth/login", "body": {"username": "u", "password": PASSWORD}}
BEARER_TEMPLATE = {"headers": {"Authorization": "Bearer {{.access_token}}"}}


def custom(api: FakeApi, login: Any = None, template: Any = None, **extra: Any) -> dict[str, Any]:
    return {
        "base_url": api.url,
        "auth_type": "custom",
        "custom_auth_request": login or FORM_LOGIN,
        "custom_auth_request_template": template or BEARER_TEMPLATE,
        "max_retries": "0",
        **extra,
    }


def oauth2(api: FakeApi, token_url: str) -> dict[str, Any]:
    return {
        "base_url": api.url,
        "auth_type": "oauth2_client_credentials",
        "oauth_token_url": token_url,
        "oauth_client_id": "ocean-client",
        "oauth_client_secret": CLIENT_SECRET,
        "oauth_scope": "read",
    }


def identifiers(entities: list[dict[str, Any]]) -> list[str]:
    return sorted(e["identifier"] for e in entities)


async def test_documented_custom_configs_sync_and_delete_stale(api: FakeApi) -> None:
    server = LoginServer(api, "/oauth/token", expires_in=3600)
    api.route("GET", "/api/users", server.guard({"users": USERS}))
    result = await run_resync(custom(api), DELETING, STALE)
    assert result.errors == []
    assert identifiers(result.upserted_entities) == [str(u["id"]) for u in USERS]
    assert identifiers(result.deleted_entities) == ["gone", "old"]
    assert len(server.logins) == 1


async def test_custom_configs_as_json_strings_in_the_harness(api: FakeApi) -> None:
    server = LoginServer(api, "/auth/login", shape=lambda token: {"token": token})
    api.route("GET", "/api/users", server.guard({"users": USERS}, lambda r: r.query.get("k")))
    config = custom(api, json.dumps(JSON_LOGIN), json.dumps({"queryParams": {"k": "{{.token}}"}}))
    result = await run_resync(config, mapping(USERS_RESOURCE))
    assert result.errors == []
    assert len(result.upserted_entities) == len(USERS)


async def test_oauth2_syncs(api: FakeApi, other_api: FakeApi) -> None:
    server = LoginServer(other_api, "/oauth2/token", expires_in=3600)
    api.route("GET", "/api/users", server.guard({"users": USERS}))
    result = await run_resync(oauth2(api, f"{other_api.url}/oauth2/token"), mapping(USERS_RESOURCE))
    assert result.errors == []
    assert len(result.upserted_entities) == len(USERS)


async def test_401_after_a_fresh_login_fails_the_resync_and_deletes_nothing(api: FakeApi) -> None:
    server = LoginServer(api, "/oauth/token")
    api.route("GET", "/api/users", lambda _r: Reply(401, {"error": "no access"}))
    result = await run_resync(custom(api, max_retries="5"), DELETING, STALE)
    assert result.deleted_entities == [] and result.upserted_entities == []
    (error,) = result.errors  # Ocean wraps it; the message is ours
    assert "401 again right after a fresh login" in str(error)
    assert "customAuthRequest" in str(error)
    assert len(server.logins) == 2  # the first login, and exactly one more after the 401
    assert len(api.requests_to("/api/users")) == 2  # a 401 is never retried blindly


async def test_a_refused_login_fails_the_resync_and_deletes_nothing(api: FakeApi) -> None:
    api.route("POST", "/oauth/token", lambda _r: Reply(401, {"error": "invalid_client"}))
    api.json_route("/api/users", {"users": USERS})
    result = await run_resync(custom(api), DELETING, STALE)
    assert result.deleted_entities == [] and result.upserted_entities == []
    assert "returned 401" in str(result.errors[0]) and "customAuthRequest" in str(result.errors[0])
    assert api.requests_to("/api/users") == []


async def test_a_login_that_times_out_fails_the_resync(api: FakeApi) -> None:
    """The login runs under the client's timeout (not none at all)."""
    api.route("POST", "/oauth/token", lambda _r: Reply(json_body={}, delay=2.0))
    config = custom(api, timeout="0.3")
    result = await run_resync(config, DELETING, STALE)
    assert result.deleted_entities == []
    assert "timed out" in str(result.errors[0])


async def test_an_unresolved_placeholder_fails_the_resync(api: FakeApi) -> None:
    api.route("POST", "/oauth/token", lambda _r: Reply(json_body={"jwt": token_number(1)}))
    result = await run_resync(custom(api), DELETING, STALE)
    assert result.deleted_entities == []
    assert "its top-level keys are: jwt" in str(result.errors[0])


async def test_no_secret_in_any_log_line_or_error(api: FakeApi, other_api: FakeApi) -> None:
    """Full runs — success, a renewal after 401, then failures — with every log record."""
    tokens = [token_number(n) for n in range(1, 6)]
    encoded = [str(httpx.QueryParams({"k": t}))[2:] for t in tokens]
    secrets = [PASSWORD, CLIENT_SECRET, *tokens, *encoded]
    server = LoginServer(api, "/auth/login", expires_in=3600, shape=echoing)
    guarded = server.guard({"users": USERS}, lambda r: r.query.get("k"))

    def users(request: Received) -> Reply:
        if request.query.get("k") == tokens[1]:  # the 2nd run's first token is refused, echoed
            return Reply(401, {"error": f"expired: {request.query['k']}"})
        return guarded(request)

    api.route("GET", "/api/users", users)
    template = {"queryParams": {"k": "{{.access_token}}"}, "headers": {"X-T": "{{.access_token}}"}}
    oauth_server = LoginServer(other_api, "/token", shape=echoing)
    other_api.route(
        "GET", "/api/users", lambda r: Reply(401, {"echo": r.headers.get("authorization")})
    )
    with all_logs() as logs:
        ok = await run_resync(custom(api, JSON_LOGIN, template), mapping(USERS_RESOURCE))
        renewed = await run_resync(custom(api, JSON_LOGIN, template), mapping(USERS_RESOURCE))
        failed = await run_resync(oauth2(other_api, f"{other_api.url}/token"), DELETING, STALE)
    assert ok.errors == [] and renewed.errors == [] and failed.errors
    assert len(server.logins) == 3 and len(oauth_server.logins) == 2
    text = "\n".join(logs) + "\n".join(str(e) for e in [*ok.errors, *failed.errors])
    assert "Logged in" in text and "[REDACTED]" in text  # the capture saw the auth events
    leaked = [secret for secret in secrets if secret in text]
    assert leaked == []


def echoing(token: str) -> dict[str, Any]:
    """A login answer that also echoes what an over-helpful server would."""
    return {"access_token": token, "refresh_token": f"rt-{token}", "note": f"hello {PASSWORD}"}

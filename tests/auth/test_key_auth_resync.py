"""Key-based auth through the real Ocean app: every page synced while tokens expire mid-run,
nothing deleted on any failure, and no key, assertion or token in any log line or error."""

from __future__ import annotations

import json
from typing import Any

import pytest

from core.errors import ConfigurationError
from sample_api.server import FakeApi, Received, Reply
from tests.auth.auth_kit import all_logs
from tests.auth.key_fakes import AssertionIdp, FakeGitHubApp
from tests.auth.key_kit import (
    Tokens,
    body_lines,
    ec_key,
    key_pem,
    public_pem,
    rsa_key,
)
from tests.ocean_run import entity, mapping, resource, run_resync

ITEMS = [{"id": n, "name": f"item-{n}"} for n in range(35)]
PAGE = 5  # 7 full pages and an empty one, each a little slow: tokens expire in between
STALE = [entity("gone", "user")]
USERS = resource("/api/users", blueprint="user", data_path=".users")
DELETING = {**mapping(USERS), "entityDeletionThreshold": 1.0}
PAGED = {
    "pagination_type": "page",
    "page_size": str(PAGE),
    "parallel_pages": "1",
    "max_retries": "0",
}
CLIENT_ID = "0oa-ocean-custom-client"
SERVICE_ACCOUNT = "port-sync@my-project.iam.gserviceaccount.com"
SCOPE = "https://www.googleapis.com/auth/cloud-platform.read-only"


def slow_pages(delay: float = 0.25, prefix: str = "") -> Any:
    def users(request: Received) -> Reply:
        page, size = int(request.query.get("page", "1")), int(request.query.get("size", "100"))
        chunk = ITEMS[(page - 1) * size : page * size]
        return Reply(json_body={"users": chunk}, delay=delay)

    return users


def identifiers(result: Any) -> list[str]:
    return sorted(e["identifier"] for e in result.upserted_entities)


def every_item() -> list[str]:
    return sorted(str(item["id"]) for item in ITEMS)


def private_key_jwt(api: FakeApi, idp: AssertionIdp, key: str, **extra: Any) -> dict[str, Any]:
    return {
        "base_url": api.url,
        "auth_type": "oauth2_client_credentials",
        "oauth_client_authentication": "private_key_jwt",
        "oauth_token_url": idp.url,
        "oauth_client_id": CLIENT_ID,
        "oauth_private_key": key,
        **PAGED,
        **extra,
    }


async def test_private_key_jwt_syncs_every_page_while_tokens_expire(
    api: FakeApi, other_api: FakeApi
) -> None:
    """Okta service app: the IdP checks each assertion with the registered public key."""
    key = rsa_key()
    tokens = Tokens(lifetime=0.6)
    idp = AssertionIdp(other_api, public_pem(key), tokens, mode="client", client_id=CLIENT_ID)
    api.route("GET", "/api/users", tokens.guard(slow_pages()))
    with all_logs() as logs:
        result = await run_resync(private_key_jwt(api, idp, key_pem(key)), DELETING, STALE)
    assert result.errors == []
    assert identifiers(result) == every_item()
    assert [e["identifier"] for e in result.deleted_entities] == ["gone"]
    assert len(tokens.issued) >= 3, "tokens must have expired and been renewed mid-run"
    assert tokens.rejected == 0, "renewed ahead of expiry, not after a 401"
    assert idp.peak_in_flight == 1, "one renewal at a time"
    leaks = [*body_lines(key_pem(key)), *idp.assertions, *tokens.issued]
    assert [s for s in leaks if s in "\n".join(logs)] == []


async def test_es256_with_a_key_id_and_a_pkcs1_key(api: FakeApi, other_api: FakeApi) -> None:
    key = ec_key()
    tokens = Tokens(lifetime=60)
    idp = AssertionIdp(
        other_api, public_pem(key), tokens, mode="client", client_id=CLIENT_ID, algorithm="ES256"
    )
    api.route("GET", "/api/users", tokens.guard(slow_pages(0)))
    config = private_key_jwt(
        api, idp, key_pem(key, pkcs1=True), oauth_signing_algorithm="ES256", oauth_key_id="k-1"
    )
    result = await run_resync(config, mapping(USERS))
    assert result.errors == [] and identifiers(result) == every_item()
    assert {json.loads(_header(a))["kid"] for a in idp.assertions} == {"k-1"}


def _header(assertion: str) -> str:
    import base64

    head = assertion.split(".")[0]
    return base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)).decode()


async def test_an_unregistered_key_fails_the_resync_naming_the_setting(
    api: FakeApi, other_api: FakeApi
) -> None:
    """The IdP answers 401 invalid_client: the resync fails, nothing is deleted."""
    registered, wrong = rsa_key(), rsa_key()
    tokens = Tokens(lifetime=60)
    idp = AssertionIdp(
        other_api, public_pem(registered), tokens, mode="client", client_id=CLIENT_ID
    )
    api.route("GET", "/api/users", tokens.guard(slow_pages(0)))
    with all_logs() as logs:
        result = await run_resync(private_key_jwt(api, idp, key_pem(wrong)), DELETING, STALE)
    assert result.deleted_entities == [] and result.upserted_entities == []
    message = str(result.errors[0])
    assert "returned 401" in message and "invalid_client" in message
    assert "oauthPrivateKey" in message
    assert api.requests_to("/api/users") == []
    text = "\n".join(logs) + message
    assert [s for s in [*body_lines(key_pem(wrong)), *idp.assertions] if s in text] == []


async def test_jwt_bearer_google_service_account(api: FakeApi, other_api: FakeApi) -> None:
    """Google's JWT bearer grant: iss = the service account, aud = the token URL, a scope claim."""
    key = rsa_key()
    tokens = Tokens(lifetime=0.6)
    idp = AssertionIdp(
        other_api,
        public_pem(key),
        tokens,
        mode="grant",
        client_id=SERVICE_ACCOUNT,
        path="/token",
        scope=SCOPE,
    )
    api.route("GET", "/api/users", tokens.guard(slow_pages()))
    config = {
        "base_url": api.url,
        "auth_type": "jwt_bearer",
        "oauth_token_url": idp.url,
        "oauth_private_key": key_pem(key).replace("\n", "\\n"),  # a JSON key file's private_key
        "jwt_issuer": SERVICE_ACCOUNT,
        "jwt_claims": json.dumps({"scope": SCOPE}),
        **PAGED,
    }
    with all_logs() as logs:
        result = await run_resync(config, DELETING, STALE)
    assert result.errors == [] and identifiers(result) == every_item()
    assert len(tokens.issued) >= 3 and tokens.rejected == 0 and idp.peak_in_flight == 1
    leaks = [*body_lines(key_pem(key)), *idp.assertions, *tokens.issued]
    assert [s for s in leaks if s in "\n".join(logs)] == []


async def test_jwt_bearer_without_the_scope_is_refused(api: FakeApi, other_api: FakeApi) -> None:
    key = rsa_key()
    tokens = Tokens(lifetime=60)
    idp = AssertionIdp(
        other_api,
        public_pem(key),
        tokens,
        mode="grant",
        client_id=SERVICE_ACCOUNT,
        path="/token",
        scope=SCOPE,
    )
    config = {
        "base_url": api.url,
        "auth_type": "jwt_bearer",
        "oauth_token_url": idp.url,
        "oauth_private_key": key_pem(key),
        "jwt_issuer": SERVICE_ACCOUNT,
        "max_retries": "0",
    }
    result = await run_resync(config, DELETING, STALE)
    assert result.deleted_entities == []
    message = str(result.errors[0])
    assert "returned 400" in message and "invalid_grant" in message and "jwtClaims" in message


@pytest.mark.parametrize("prefix", ["", "/api/v3"], ids=["github.com", "enterprise-server"])
async def test_github_app_syncs_every_page_while_installation_tokens_expire(
    api: FakeApi, prefix: str
) -> None:
    """github.com (baseUrl https://api.github.com) and GitHub Enterprise Server
    (https://HOST/api/v3): the token exchange goes under baseUrl, like the API."""
    key = rsa_key()
    tokens = Tokens(lifetime=2)  # GitHub's are an hour; expires_at is to the second
    github = FakeGitHubApp(
        api, public_pem(key), tokens, app_id="123456", installation_id="7890", prefix=prefix
    )
    api.route("GET", f"{prefix}/api/users", tokens.guard(slow_pages(0.35)))
    config = {
        "base_url": api.url + prefix,
        "auth_type": "github_app",
        "github_app_id": "123456",
        "github_app_private_key": key_pem(key, pkcs1=True),  # GitHub hands out PKCS#1
        "github_app_installation_id": "7890",
        **PAGED,
    }
    with all_logs() as logs:
        result = await run_resync(config, DELETING, STALE)
    assert result.errors == [] and identifiers(result) == every_item()
    assert len(github.exchanges) >= 2 and tokens.rejected == 0 and github.peak_in_flight == 1
    leaks = [*body_lines(key_pem(key, pkcs1=True)), *github.app_jwts, *tokens.issued]
    assert [s for s in leaks if s in "\n".join(logs)] == []


async def test_github_app_with_another_apps_key_fails_and_deletes_nothing(api: FakeApi) -> None:
    tokens = Tokens(lifetime=60)
    github = FakeGitHubApp(api, public_pem(rsa_key()), tokens, app_id="1", installation_id="2")
    api.route("GET", "/api/users", tokens.guard(slow_pages(0)))
    config = {
        "base_url": api.url,
        "auth_type": "github_app",
        "github_app_id": "1",
        "github_app_private_key": key_pem(rsa_key()),
        "github_app_installation_id": "2",
        "max_retries": "0",
    }
    result = await run_resync(config, DELETING, STALE)
    assert result.deleted_entities == [] and result.upserted_entities == []
    message = str(result.errors[0])
    assert "returned 401" in message and "githubAppPrivateKey" in message
    assert len(github.exchanges) == 1 and api.requests_to("/api/users") == []


async def test_github_app_unknown_installation_is_named(api: FakeApi) -> None:
    key = rsa_key()
    FakeGitHubApp(api, public_pem(key), Tokens(lifetime=60), app_id="1", installation_id="2")
    config = {
        "base_url": api.url,
        "auth_type": "github_app",
        "github_app_id": "1",
        "github_app_private_key": key_pem(key),
        "github_app_installation_id": "3",  # GitHub answers 404 for an unknown installation
        "max_retries": "0",
    }
    result = await run_resync(config, DELETING, STALE)
    assert result.deleted_entities == []
    assert "githubAppInstallationId" in str(result.errors[0])
    assert "returned 404" in str(result.errors[0])


async def test_a_damaged_key_stops_the_start_naming_the_setting() -> None:
    """Settings load when Ocean imports the integration: a damaged key never reaches a resync."""
    damaged = "\n".join(key_pem(rsa_key(), pkcs1=True).splitlines()[:6]) + "\n-----END RSA"
    damaged += " PRIVATE KEY-----\n"
    config = {
        "base_url": "https://api.github.com",
        "auth_type": "github_app",
        "github_app_id": "1",
        "github_app_private_key": damaged,
        "github_app_installation_id": "2",
    }
    with pytest.raises(ConfigurationError) as caught:
        await run_resync(config, mapping(USERS))
    message = str(caught.value)
    assert "githubAppPrivateKey: the RSA PRIVATE KEY block could not be read" in message
    assert [line for line in body_lines(damaged) if line in message] == []

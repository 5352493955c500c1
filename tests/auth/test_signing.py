"""The signed JWTs themselves, and the GitHub App token lifecycle under concurrency, driven by
a hand-moved clock against the loopback fake of GitHub's token exchange."""

from __future__ import annotations

import asyncio

import jwt
import pytest

from auth.github_app import GitHubAppAuth
from auth.signing import JwtSigner
from connection.settings import ConnectionSettings, load_settings
from core.errors import AuthenticationError
from core.redaction import Redactor
from sample_api.server import FakeApi, Received, Reply
from tests.auth.auth_kit import Clock, http_client
from tests.auth.key_fakes import FakeGitHubApp
from tests.auth.key_kit import Tokens, ec_key, key_pem, public_pem, rsa_key

NOW = 1_700_000_000.0
TOKEN_URL = "https://idp.example.com/oauth2/v1/token"


def test_client_assertions_follow_rfc_7523() -> None:
    key = rsa_key()
    redact = Redactor()
    signer = JwtSigner(
        key_pem(key), "PS256", redact, setting="k", key_id="kid-7", wall_clock=lambda: NOW
    )
    assertions = [signer.assertion("client", TOKEN_URL, "client") for _ in range(20)]
    claims = [
        jwt.decode(
            a,
            public_pem(key),
            algorithms=["PS256"],
            audience=TOKEN_URL,
            options={"verify_exp": False, "verify_iat": False},
        )
        for a in assertions
    ]
    assert {(c["iss"], c["sub"], c["aud"]) for c in claims} == {("client", "client", TOKEN_URL)}
    assert all(c["iat"] == NOW and 0 < c["exp"] - NOW <= 300 for c in claims)
    assert len({c["jti"] for c in claims}) == 20, "a jti is never reused"
    assert jwt.get_unverified_header(assertions[0])["kid"] == "kid-7"
    assert redact(assertions[-1]) == "[REDACTED]"


def test_extra_claims_never_replace_the_registered_ones() -> None:
    key = ec_key()
    signer = JwtSigner(key_pem(key), "ES256", Redactor(), setting="k", wall_clock=lambda: NOW)
    token = signer.assertion("iss-x", "aud-x", None, {"scope": "s", "iss": "evil"})
    claims = jwt.decode(
        token,
        public_pem(key),
        algorithms=["ES256"],
        audience="aud-x",
        options={"verify_exp": False, "verify_iat": False},
    )
    assert claims["iss"] == "iss-x" and claims["scope"] == "s" and "sub" not in claims


def test_the_github_app_jwt_respects_githubs_limits() -> None:
    key = rsa_key()
    signer = JwtSigner(key_pem(key), "RS256", Redactor(), setting="k", wall_clock=lambda: NOW)
    token = signer.github_app_jwt("123456")
    claims = jwt.decode(
        token,
        public_pem(key),
        algorithms=["RS256"],
        options={"verify_exp": False, "verify_iat": False},
    )
    assert claims["iss"] == "123456"
    assert claims["iat"] == NOW - 60
    assert claims["exp"] <= NOW + 600 and claims["exp"] - claims["iat"] <= 600
    assert jwt.get_unverified_header(token)["alg"] == "RS256"


def _github(api: FakeApi, tokens: Tokens) -> tuple[GitHubAppAuth, FakeGitHubApp, Clock]:
    key = rsa_key()
    fake = FakeGitHubApp(api, public_pem(key), tokens, app_id="42", installation_id="9")
    settings = load_settings(
        {
            "base_url": api.url,
            "auth_type": "github_app",
            "github_app_id": "42",
            "github_app_private_key": key_pem(key),
            "github_app_installation_id": "9",
        }
    )
    clock, redact = Clock(), Redactor(settings.secrets)
    signer = JwtSigner(key_pem(key), "RS256", redact, setting="githubAppPrivateKey")
    return GitHubAppAuth(api.url, "42", "9", signer, redact, clock=clock), fake, clock


@pytest.fixture
def settings_for(api: FakeApi) -> ConnectionSettings:
    return load_settings({"base_url": api.url, "max_retries": "0"})


async def test_one_renewal_in_flight_when_many_requests_find_the_token_expired(
    api: FakeApi, settings_for: ConnectionSettings
) -> None:
    tokens = Tokens(lifetime=3600)
    auth, fake, clock = _github(api, tokens)
    api.route("GET", "/repos", tokens.guard(lambda _r: Reply(json_body=[], delay=0.02)))
    async with http_client(settings_for, auth) as http:
        first = await asyncio.gather(*(http.get(f"{api.url}/repos") for _ in range(20)))
        assert len(fake.exchanges) == 1
        clock.advance(3600)  # the installation token is due for renewal
        second = await asyncio.gather(*(http.get(f"{api.url}/repos") for _ in range(20)))
    assert {r.status_code for r in [*first, *second]} == {200}
    assert len(fake.exchanges) == 2 and fake.peak_in_flight == 1
    sent = {r.headers["authorization"] for r in api.requests_to("/repos")}
    assert sent == {f"Bearer {t}" for t in tokens.issued}, "each request used a live token"


async def test_a_401_renews_once_then_fails_naming_the_settings(
    api: FakeApi, settings_for: ConnectionSettings
) -> None:
    tokens = Tokens(lifetime=3600)
    auth, fake, _clock = _github(api, tokens)
    refused = {"count": 0}

    def revoked_once(request: Received) -> Reply:
        if refused["count"] == 0:
            refused["count"] += 1
            return Reply(401, {"message": "Bad credentials"})
        return tokens.guard(lambda _r: Reply(json_body=[]))(request)

    api.route("GET", "/repos", revoked_once)
    api.route("GET", "/never", lambda _r: Reply(401, {"message": "Bad credentials"}))
    async with http_client(settings_for, auth) as http:
        assert (await http.get(f"{api.url}/repos")).status_code == 200
        assert len(fake.exchanges) == 2  # the first token, and one more after the 401
        with pytest.raises(AuthenticationError, match="githubAppId / githubAppPrivateKey"):
            await http.get(f"{api.url}/never")
    assert len(fake.exchanges) == 3

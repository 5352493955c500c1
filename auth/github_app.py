"""`authType: github_app` — a GitHub App's installation access token.

    authType: github_app
    baseUrl: https://api.github.com          (GitHub Enterprise Server: https://HOST/api/v3)
    githubAppId: 123456
    githubAppPrivateKey: -----BEGIN RSA PRIVATE KEY-----...   (sensitive; the .pem GitHub gave)
    githubAppInstallationId: 7890123

GitHub's "Authenticating as a GitHub App installation" (docs.github.com/en/apps/creating-
github-apps/authenticating-with-a-github-app/authenticating-as-a-github-app-installation):
an RS256 JWT signed with the app's key ("Generating a JSON Web Token (JWT) for a GitHub App":
iat 60 s in the past, exp at most 10 minutes ahead, iss the app's id) is exchanged at

    POST {baseUrl}/app/installations/{installation_id}/access_tokens
    Authorization: Bearer <app JWT>
    ← 201 {"token": "ghs_...", "expires_at": "2026-01-01T12:00:00Z", ...}

and the installation token goes on every API request as `Authorization: Bearer <token>`. It
lives an hour; it is renewed ahead of `expires_at`, one renewal at a time, and once more after
a 401 (`auth/dynamic.py`). The exchange goes to baseUrl's origin only, like the token.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

import httpx

from auth.dynamic import TokenAuth, rebuild
from auth.signing import JwtSigner
from connection.settings import ConnectionSettings
from connection.urls import join_url
from core.errors import AuthenticationError, ConfigurationError
from core.redaction import Redactor

API_VERSION = "2022-11-28"


class GitHubAppAuth(TokenAuth):
    config_keys = "githubAppId / githubAppPrivateKey / githubAppInstallationId"

    def __init__(
        self,
        base_url: str,
        app_id: str,
        installation_id: str,
        signer: JwtSigner,
        redact: Redactor,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        url = join_url(base_url, f"/app/installations/{installation_id}/access_tokens")
        super().__init__([base_url], redact, url, clock=clock)
        self._app_id, self._signer, self._now = app_id, signer, wall_clock
        self._installation = installation_id
        self._bearer = ""

    def login_request(self) -> httpx.Request:
        app_jwt = self._signer.github_app_jwt(self._app_id)
        headers = {
            "Accept": "application/vnd.github+json",
            "Authorization": f"Bearer {app_jwt}",
            "X-GitHub-Api-Version": API_VERSION,
        }
        return httpx.Request("POST", self.login_url, headers=headers)

    def _check_login_status(self, response: httpx.Response) -> None:
        if response.status_code == 404:  # GitHub's answer to an unknown installation
            raise AuthenticationError(
                f"The installation token request {self._show(self.login_url)} returned 404: "
                f"GitHub knows no installation {self._installation} of app {self._app_id} "
                "there. Check githubAppInstallationId (Settings → GitHub Apps → the app → "
                "Install App; the number in the installation's URL) and baseUrl (GitHub "
                "Enterprise Server: https://HOST/api/v3)",
                status_code=404,
            )
        super()._check_login_status(response)

    def accept_login(self, response: httpx.Response) -> float | None:
        answer, token = self._token_answer(
            response,
            "token",
            "installation token",
            "Check baseUrl (GitHub Enterprise Server: https://HOST/api/v3) and "
            "githubAppInstallationId",
        )
        self._bearer = f"Bearer {token}"
        return self._lifetime(answer.get("expires_at"))

    def _lifetime(self, expires_at: object) -> float | None:
        """Seconds until `expires_at` (ISO 8601), by the wall clock; None when unreadable."""
        if not isinstance(expires_at, str):
            return None
        try:
            moment = datetime.fromisoformat(expires_at.replace("Z", "+00:00"))
        except ValueError:
            return None
        seconds = moment.timestamp() - self._now()
        return seconds if seconds > 0 else None

    def authorize(self, request: httpx.Request) -> httpx.Request:
        return rebuild(request, headers={"Authorization": self._bearer})


def build_github_app_auth(settings: ConnectionSettings, redact: Redactor) -> GitHubAppAuth:
    keys = settings.key_auth
    app_id, installation = keys.github_app_id, keys.github_app_installation_id
    if not (app_id and installation and keys.github_app_private_key):
        raise ConfigurationError(
            "authType 'github_app' needs githubAppId, githubAppPrivateKey and "
            "githubAppInstallationId"
        )
    signer = JwtSigner(keys.github_app_private_key, "RS256", redact, setting="githubAppPrivateKey")
    return GitHubAppAuth(settings.base_url, app_id, installation, signer, redact)

"""`build_auth`: the one place where `authType` becomes an auth object.

It sits above the schemes it builds (static ones in `static.py`, custom login, OAuth 2.0 client
credentials), so no scheme imports it back and no import has to wait inside a function.
"""

from __future__ import annotations

from typing import get_args

from auth.custom import build_custom_auth
from auth.github_app import build_github_app_auth
from auth.jwt_bearer import build_jwt_bearer_auth
from auth.oauth2 import build_oauth2_auth
from auth.static import BasicAuth, HeaderAuth, NoAuth, ScopedAuth
from connection.settings import AuthType, ConnectionSettings
from core.errors import ConfigurationError
from core.redaction import Redactor


def build_auth(settings: ConnectionSettings, redact: Redactor | None = None) -> ScopedAuth:
    """Map `authType` to its auth object. An unknown name is a configuration error.

    `redact` is the installation's redactor: token auth registers every token it fetches there,
    so logs and errors mask it. Pass the same instance the client reports errors with.
    """
    origins = [settings.base_url]
    match settings.auth_type:
        case "none":
            return NoAuth(origins)
        case "bearer_token":
            return HeaderAuth(origins, "Authorization", f"Bearer {settings.api_token}")
        case "api_key":
            return HeaderAuth(origins, settings.api_key_header, settings.api_key or "")
        case "basic":
            return BasicAuth(origins, settings.username or "", settings.password or "")
        case "custom":
            return build_custom_auth(settings, redact or Redactor(settings.secrets))
        case "oauth2_client_credentials":
            return build_oauth2_auth(settings, redact or Redactor(settings.secrets))
        case "jwt_bearer":
            return build_jwt_bearer_auth(settings, redact or Redactor(settings.secrets))
        case "github_app":
            return build_github_app_auth(settings, redact or Redactor(settings.secrets))
    raise ConfigurationError(
        f"authType: {settings.auth_type!r} is not supported; "
        f"allowed: {', '.join(get_args(AuthType))}"
    )

"""C9: the reference's Auth0 OAuth2 example - a stale design nothing implements any more.

Its settings (`authType: oauth2`, `authEndpoint`, `clientId`, `clientSecret`, `grantType`,
`tokenPath`) are not spec keys, and its mapping puts an `endpoint: {path, method}` block on the
resource with `kind: user`. The supported equivalent is `authType: custom` (B4). Asserted: the
integration stops at start with an error naming the unknown keys (or `authType: oauth2`), and
no client secret in the log; the mapping alone is refused naming `endpoint`; nothing is deleted.
"""

from __future__ import annotations

import pytest

from sample_api.server import FakeApi
from tests.corpus.kit import load, sync
from tests.corpus.variants import variant

EXPECTED = {"auth0User": {"auth0|1"}}


async def test_oauth2_settings_stop_at_start(api: FakeApi, monkeypatch: pytest.MonkeyPatch) -> None:
    published = load("C9-auth0")

    outcome = await sync(published, api.url, monkeypatch, EXPECTED)

    outcome.assert_failed_safely()
    text = "\n".join(outcome.errors).lower().replace("_", "")
    # Either the unknown keys (authEndpoint, clientSecret, ...) or authType=oauth2 is named.
    assert "authendpoint" in text or ("authtype" in text and "oauth2" in text), outcome.errors
    assert api.received == []


async def test_resource_level_endpoint_block_is_refused(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = variant(
        "C9-mapping",
        "C9-auth0",
        {"OCEAN__INTEGRATION__CONFIG__BASE_URL": "https://your-tenant.auth0.com"},
    )

    outcome = await sync(published, api.url, monkeypatch, EXPECTED)

    outcome.assert_failed_safely("endpoint")
    assert api.received == []

"""D1: the unpublished Tenable page (PR #3158): `authType: basic` with the access and secret keys.

Tenable authenticates with `X-ApiKeys: accessKey=...;secretKey=...`, not HTTP Basic, so the
page is wrong in itself: every call is refused with 401. The run must fail naming the status,
delete nothing, and log neither key.
"""

from __future__ import annotations

import pytest

from sample_api.server import FakeApi
from tests.corpus.fakes import tenable
from tests.corpus.kit import load, sync
from tests.corpus.variants import with_placeholders


async def test_basic_auth_against_tenable_fails_without_deleting(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = with_placeholders(load("D1-tenable"), {})
    # The page puts the keys in username (not a secret setting) and password.
    access, secret = (
        published.value("YOUR_TENABLE_ACCESS_KEY"),
        published.value("YOUR_TENABLE_SECRET_KEY"),
    )
    tenable.install(api, access, secret)

    outcome = await sync(published, api.url, monkeypatch, tenable.EXPECTED)

    outcome.assert_failed_safely("401")
    assert secret in published.secrets
    assert all(r.headers.get("authorization", "").startswith("Basic ") for r in api.received)

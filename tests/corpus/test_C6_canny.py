"""C6: the reference's Canny example - `baseUrl=https://canny.io/api/v1?apiKey=YOUR_CANNY_API_KEY`.

The query string in baseUrl is kept and sent on every request (the kind is joined to the path,
never appended after `?apiKey=...`), and the key is a secret: it must not appear in any log
line or error, whatever the outcome. Canny's lists page by `limit`/`skip` in the body (default
10) and the published mapping sets no pagination: 250 posts answer `hasMore: true` after 10.
The run must deliver every post or fail naming the endpoint and its pagination - never report
10 posts as complete (Ocean would delete the other 240).
"""

from __future__ import annotations

import pytest

from sample_api.server import FakeApi
from tests.corpus.fakes import canny
from tests.corpus.kit import load, sync

KEY = "YOUR_CANNY_API_KEY"


async def test_api_key_in_base_url_query_reaches_every_call_and_no_log(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = load("C6-canny")
    assert published.value(KEY) in published.secrets
    canny.install(api, published.value(KEY))

    outcome = await sync(published, api.url, monkeypatch, canny.EXPECTED)

    outcome.assert_no_secret_logged()
    assert api.received, "no request reached the fake"
    wrong = [
        f"{r.method} {r.path}"
        for r in api.received
        if r.method != "POST"
        or not r.path.endswith("/list")
        or r.query.get("apiKey") != published.value(KEY)
    ]
    assert wrong == []
    if outcome.errors:
        outcome.assert_failed_safely("/posts/list", "pagination")
    else:
        outcome.assert_complete()

"""Corpus A8: Port's Rootly page, unchanged: a pager that repeats page 1 must fail, not loop.

The page sets `paginationType: page` without `paginationParam`/`sizeParam`, so requests carry
`?page=N&size=100`; Rootly pages by `page[number]`/`page[size]` and ignores the others, so every
request answers page 1 again. The published configuration is wrong in itself: the resync must
stop with an error naming the pagination settings, and delete nothing — not loop, and not
complete with the first 100 incidents (which would delete the other 150 from Port).
"""

from __future__ import annotations

import pytest

from sample_api.server import FakeApi
from tests.corpus.fakes import rootly
from tests.corpus.kit import connections, load, sync

NAME = "A8-rootly"


@pytest.mark.parametrize("connection", connections(NAME))
async def test_a_pager_that_repeats_page_one_fails_and_deletes_nothing(
    connection: str, api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = load(NAME, connection)
    rootly.install(api, published.value("YOUR_ROOTLY_API_KEY"))

    outcome = await sync(published, api.url, monkeypatch, rootly.EXPECTED)

    outcome.assert_failed_safely("paginationParam")
    incidents = api.requests_to("/v1/incidents")
    assert 2 <= len(incidents) <= 3, "stops at the first repeated page"
    assert all("page[number]" not in r.query for r in incidents)

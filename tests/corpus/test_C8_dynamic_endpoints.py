"""C8: port-labs/ocean's `integrations/custom/examples/dynamic-endpoints.yaml` -
team members through a path parameter with a filter.

Discovery reads `/api/v1/teams` (`{"teams": [...]}`), but the path parameter sets no data_path:
the whole response is one item and `.id` gives no value, so the run fails naming data_path
(the reference fetched no member and finished "complete"). The example maps
`.team_id` (absent from a member payload) instead of the injected `.__team_id`, so its `team`
relation stays empty; the entities still arrive. No connection settings are published: baseUrl
and authType none are supplied.
"""

from __future__ import annotations

import pytest

from sample_api.server import FakeApi
from tests.corpus.fakes import teams
from tests.corpus.kit import sync
from tests.corpus.variants import variant


async def test_a_discovery_without_data_path_fails_naming_it(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = variant(
        "C8",
        "C8-dynamic-endpoints",
        {"OCEAN__INTEGRATION__CONFIG__BASE_URL": "https://api.example.com"},
    )
    teams.install_teams(api)

    outcome = await sync(published, api.url, monkeypatch, teams.TEAMS_EXPECTED)

    # No data_path on the path parameter: `{"teams": [...]}` is one item, `.id` gives nothing.
    outcome.assert_failed_safely("selector.path_parameters.team_id.data_path", "e.g. .teams")
    assert not [r for r in api.received if r.path.endswith("/members")]

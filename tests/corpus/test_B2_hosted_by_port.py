"""B2: the hosted-by-Port form - a user types only some fields; the rest keep the form's defaults.

Port builds the installation from `.port/spec.yaml`, so the defaults the page documents (Page
Size 100, Start Page 1, Timeout 30, Verify Ssl true, Max Concurrent Requests 10, Api Key Header
X-API-Key) must be the spec's, as Ocean's config factory applies them. The filled form (api_key,
cursor, `meta.after_cursor` / `meta.has_more`) then syncs 250 users from the configuration
page's cursor response `{data, meta: {after_cursor, has_more}}`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from connection.pagination_settings import PaginationSettings
from connection.settings import load_settings
from sample_api.server import FakeApi
from tests.corpus.fakes.generic import by_cursor, guarded, meta_cursor_page, people
from tests.corpus.kit import load, sync
from tests.corpus.variants import items_by_blueprint
from tests.ocean_config import integration_dir, ocean_config

USERS = people(250)
PORT = {
    "OCEAN__PORT__CLIENT_ID": "corpus-client-id",
    "OCEAN__PORT__CLIENT_SECRET": "corpus-client-secret",
    "OCEAN__INTEGRATION__IDENTIFIER": "ocean-custom",
    "OCEAN__INTEGRATION__TYPE": "custom",
    "OCEAN__EVENT_LISTENER__TYPE": "POLLING",
}
FORM_DEFAULTS = {
    "page_size": 100,
    "start_page": 1,
    "timeout": 30.0,
    "verify_ssl": True,
    "max_concurrent_requests": 10,
    "api_key_header": "X-API-Key",
}


def test_form_defaults_come_from_the_spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    published = load("B2-hosted-by-port")
    workdir = integration_dir(tmp_path, with_config_yaml=False)
    env = {**published.env_for("https://api.yourcompany.com"), **PORT}
    config = ocean_config(workdir, env, monkeypatch)
    settings = load_settings(config.integration.config.model_dump(mode="json"))
    paging = PaginationSettings.model_fields  # those keys are grouped in settings.pagination
    holder = {key: settings.pagination if key in paging else settings for key in FORM_DEFAULTS}
    assert {key: getattr(holder[key], key) for key in FORM_DEFAULTS} == FORM_DEFAULTS


async def test_filled_form_syncs_every_page(api: FakeApi, monkeypatch: pytest.MonkeyPatch) -> None:
    published = load("B2-hosted-by-port")
    handler = by_cursor(USERS, meta_cursor_page, cursor="cursor", limit="limit")
    api.route(
        "GET", "/api/v1/users", guarded("X-API-Key", published.value("YOUR_API_KEY"))(handler)
    )

    outcome = await sync(published, api.url, monkeypatch, items_by_blueprint("user", USERS))

    outcome.assert_complete()
    assert [r.query.get("limit") for r in api.received] == ["100"] * 3

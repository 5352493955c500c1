"""Corpus A4: Port's OpenAI page: legacy usage endpoints and the model list, Helm and docker.

Three things in the published page are wrong in themselves, and each must stop the run with an
error that names the problem, deleting nothing:
- the first block (`/dashboard/billing/usage`) does not parse: `identifier: "daily-" + (...)`
  is a quoted scalar followed by more text. Port's mapping editor refuses it, so nothing of
  the page's mapping reaches Ocean; the error must name the file's line.
- pasting only the blocks that parse, `/usage` sends its `date` query param as the jq text
  `(now | floor) | strftime("%Y-%m-%d")`: query params are sent as written (only a string
  `body` is a jq program), so the API refuses the date and the run fails naming query_params.
The `/models` block matches the API, under baseUrl's `/v1` prefix, and syncs completely.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from sample_api.server import FakeApi
from tests.corpus.fakes import openai
from tests.corpus.kit import connections, load, sync

NAME = "A4-openai"
KEY = "YOUR_OPENAI_API_KEY"


@pytest.mark.parametrize("connection", connections(NAME))
async def test_the_page_s_mapping_does_not_parse_and_the_error_names_its_line(
    connection: str, api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = load(NAME, connection)
    openai.install(api, published.value(KEY))

    outcome = await sync(published, api.url, monkeypatch, openai.EXPECTED_MODELS)

    outcome.assert_failed_safely("mapping-1.yml", "line 11")
    assert api.received == []


async def test_a_jq_text_in_query_params_is_refused_by_the_api_and_deletes_nothing(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = load(NAME, "docker.sh").without_unparsable_blocks()
    openai.install(api, published.value(KEY))

    outcome = await sync(published, api.url, monkeypatch, openai.EXPECTED_MODELS)

    outcome.assert_failed_safely("/v1/usage", "400", "query_params")
    (call,) = api.requests_to("/v1/usage")
    assert call.query["date"] == '(now | floor) | strftime("%Y-%m-%d")'


@pytest.mark.parametrize("connection", connections(NAME))
async def test_the_models_block_syncs_every_model_under_the_v1_prefix(
    connection: str, api: FakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = load(NAME, connection).without_unparsable_blocks()
    models_only = [r for r in published.parsable if r["kind"] == "/models"]
    published = replace(published, mapping={"resources": models_only})
    openai.install(api, published.value(KEY))

    outcome = await sync(published, api.url, monkeypatch, openai.EXPECTED_MODELS)

    outcome.assert_complete()
    assert [r.path for r in api.received] == ["/v1/models"]
    model = next(e for e in outcome.upserted if e["identifier"] == "gpt-test-1")
    assert model["properties"]["ownedBy"] == "system"

"""Noise that hides signal (issue 22 item 2): a warning that would repeat on every page is one
line with a count, and Ocean's per-batch "DSP mode requested" warning is quieted by the setting
the image ships (OCEAN__PROCESSING_MODE=ocean-core), not by hiding log lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from sample_api.server import FakeApi, Received, Reply
from tests.client_kit import captured_logs, endpoint, fetch
from tests.ocean_run import mapping, resource, run_resync
from tests.preview_kit import port_resource
from tests.test_preview import preview

DSP_WARNING = "DSP mode requested but required feature flags are missing"


async def test_a_chain_of_pages_on_another_origin_warns_once_and_counts(
    api: FakeApi, other_api: FakeApi
) -> None:
    """Page 1 links to a CDN-like other origin, whose pages link on to themselves."""
    api.json_route("/items", {"items": [{"id": 0}], "next": f"{other_api.url}/items?page=1"})

    def elsewhere(request: Received) -> Reply:
        number = int(request.query["page"])
        link = f"{other_api.url}/items?page={number + 1}" if number < 3 else None
        return Reply(json_body={"items": [{"id": number}], "next": link})

    other_api.route("GET", "/items", elsewhere)
    with captured_logs() as lines:
        pages = await fetch(
            api.url,
            endpoint(api.url, data_path=".items"),
            pagination_type="next_link",
            next_link_path="next",
            api_token="tok-" + "n01sy" * 8,
            auth_type="bearer_token",
        )
    assert len(pages) == 4
    warnings = [line for line in lines if "next page is on another origin" in line]
    assert len(warnings) == 1
    (finish,) = [line for line in lines if "GET /items: done" in line]
    assert "3 requests sent to another origin without credentials" in finish


async def test_data_path_matching_nothing_on_every_page_is_one_preview_warning(
    api: FakeApi, tmp_path: Path
) -> None:
    def page(request: Received) -> Reply:
        number = int(request.query.get("page", "1"))
        following = f"{api.url}/api/items?page={number + 1}" if number < 3 else None
        return Reply(json_body={"data": [{"id": number}], "next": following})

    api.route("GET", "/api/items", page)
    report = await preview(api, tmp_path, port_resource("/items", ".items"))
    (resource_report,) = report.resources
    assert [p.items for p in resource_report.pages] == [0, 0, 0]
    empty = [w for w in resource_report.warnings if "matched no items" in w]
    assert len(empty) == 1
    assert empty[0].startswith("3 pages (1, 2, 3; first ")
    assert "data_path '.items' matched no items" in empty[0]


@pytest.mark.parametrize(("mode", "warned"), [(None, True), ("ocean-core", False)])
async def test_oceans_dsp_warning_and_the_setting_that_quiets_it(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch, mode: str | None, warned: bool
) -> None:
    """Ocean 0.56 defaults to processing_mode dsp and, per batch, asks Port for the DSP feature
    flags and warns that it falls back to ocean-core (port_ocean/core/integrations/mixins/
    utils.py, is_dsp_mode_enabled). ocean-core asks nothing: the same sync, no warning."""
    if mode:
        monkeypatch.setenv("OCEAN__PROCESSING_MODE", mode)
    api.route("GET", "/items", lambda _r: Reply(json_body=[{"id": 1, "name": "a"}]))
    with captured_logs() as lines:
        result = await run_resync({"base_url": api.url}, mapping(resource("/items")))
    assert [e["identifier"] for e in result.upserted_entities] == ["1"]
    assert any(DSP_WARNING in line for line in lines) is warned

"""`selector.incremental` problems stop the mapping when it loads, naming key, value and fix."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic.v1 import ValidationError

from integration import EndpointPortAppConfig
from tests.ocean_run import mapping, resource


def _error(**selector: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        EndpointPortAppConfig.parse_obj(mapping(resource("/items", **selector)))
    return str(caught.value)


def test_a_valid_incremental_loads() -> None:
    incremental = {
        "param": "since",
        "format": "%Y-%m-%dT%H:%M",
        "timezone": "Europe/Berlin",
        "lookback_seconds": 30,
        "query_params": {"jql": 'updated >= "{incremental_cursor:%Y-%m-%d %H:%M}"'},
        "cutoff": ".updated_at",
    }
    config = EndpointPortAppConfig.parse_obj(mapping(resource("/items", incremental=incremental)))
    assert config.resources[0].selector.incremental is not None


def test_unknown_format() -> None:
    text = _error(incremental={"param": "since", "format": "iso"})
    assert "resources[0].selector.incremental.format = 'iso'" in text
    assert "iso8601, epoch, epoch_ms, date" in text


def test_unknown_strftime_directive() -> None:
    text = _error(incremental={"param": "since", "format": "%Y-%Q"})
    assert "incremental.format = '%Y-%Q'" in text and "%Q" in text


def test_unknown_timezone() -> None:
    text = _error(incremental={"param": "since", "timezone": "Mars/Olympus"})
    assert "incremental.timezone = 'Mars/Olympus'" in text and "IANA" in text


def test_cutoff_that_is_not_jq() -> None:
    text = _error(incremental={"cutoff": ".updated_at |"})
    assert "incremental.cutoff = '.updated_at |'" in text and "does not compile" in text


@pytest.mark.parametrize("key", ["query_params", "headers"])
def test_placeholder_where_a_full_resync_sends_it_literally(key: str) -> None:
    text = _error(**{key: {"q": "{incremental_cursor}"}}, incremental={"param": "since"})
    assert f"resources[0].selector.{key}" in text
    assert "{incremental_cursor} in selector." + key + " is never replaced" in text


def test_placeholder_in_the_body() -> None:
    body = {"since": "{incremental_cursor}"}
    text = _error(method="POST", body=body, incremental={"cutoff": ".t"})
    assert "resources[0].selector.body" in text and "never replaced" in text


def test_misspelt_placeholder() -> None:
    text = _error(incremental={"query_params": {"since": "{incremental_cursr}"}})
    assert "incremental.query_params.since" in text
    assert "'{incremental_cursr}' is not a cursor placeholder" in text


def test_placeholder_as_param() -> None:
    text = _error(incremental={"param": "{incremental_cursor}"})
    assert "incremental.param = '{incremental_cursor}'" in text


def test_nothing_that_filters() -> None:
    text = _error(incremental={"query_params": {"sort": "updated"}})
    assert "resources[0].selector.incremental" in text and "would read everything" in text


def test_unknown_incremental_key() -> None:
    text = _error(incremental={"param": "since", "formt": "epoch"})
    assert "incremental.formt" in text and "did you mean format?" in text


def test_cursor_name_filled_by_a_dynamic_query_param() -> None:
    dynamic = {"since": {"endpoint": "/teams", "field": ".id"}}
    text = _error(dynamic_query_params=dynamic, incremental={"param": "since"})
    assert "'since' is set by incremental and filled by dynamic_query_params" in text

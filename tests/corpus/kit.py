"""Run a published configuration, unchanged, through a real Ocean resync against a loopback fake.

The API (stable; other corpus modules import it):

    published = load("A9-slack")                 # or load(name, "docker.sh"); connections(name)
    published.value("YOUR_SLACK_BOT_TOKEN")      # the dummy the fake must check
    outcome = await sync(published, api.url, monkeypatch, expected={"slackUser": {...}})
    outcome.assert_complete()                    # every item, stale ones deleted, no valid one
    outcome.assert_failed_safely("hasMorePath")  # an error naming the problem, nothing deleted

`sync` sets the configuration's `OCEAN__INTEGRATION__CONFIG__*` / `__SECRETS__*` variables in the
process environment (monkeypatch), the way the container gets them, and boots Ocean through
`port_ocean.integration_testing` with only the identifier and type overridden: Ocean's settings
read env under the harness's init values, so the config reaches the integration by the same path
as in a pod. Port is seeded with every expected entity plus one stale entity per blueprint.
The whole log (loguru at DEBUG, std logging at WARNING, the errors) is captured, and every
assertion also checks that no dummy secret appears in it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from port_ocean.integration_testing import IntegrationTestHarness, InterceptTransport

from connection.helm_map import normalise_helm_maps
from connection.sources import object_names
from tests.conftest import ROOT
from tests.corpus.published import Published, connections, dummy, load
from tests.log_capture import captured_logs
from tests.ocean_run import entity

__all__ = ["Outcome", "Published", "connections", "dummy", "load", "stale_id", "sync"]


def stale_id(blueprint: str) -> str:
    """The identifier of the stale entity seeded for `blueprint`: a complete resync deletes it."""
    return f"corpus-stale-{blueprint}"


@dataclass
class Outcome:
    """What one resync did: entities upserted and deleted, errors, and the full log."""

    published: Published
    expected: dict[str, set[str]]
    upserted: list[dict[str, Any]]
    deleted: list[dict[str, Any]]
    errors: list[str]
    log: list[str] = field(default_factory=list)

    def produced(self) -> dict[str, set[str]]:
        """Blueprint → identifiers upserted."""
        found: dict[str, set[str]] = {}
        for item in self.upserted:
            found.setdefault(item["blueprint"], set()).add(str(item["identifier"]))
        return found

    def deleted_ids(self) -> set[tuple[str, str]]:
        return {(item["blueprint"], str(item["identifier"])) for item in self.deleted}

    def assert_complete(self) -> None:
        """Every expected item arrived, each stale entity was deleted and no valid one was."""
        self.assert_no_secret_logged()
        assert self.errors == []
        assert self.produced() == self.expected
        assert self.deleted_ids() == {(bp, stale_id(bp)) for bp in self.expected}

    def assert_failed_safely(self, *words: str) -> None:
        """The run failed with an error naming each of `words` (any case); nothing deleted."""
        self.assert_no_secret_logged()
        assert self.errors, "the published configuration synced without an error"
        text = "\n".join(self.errors).lower()
        missing = [word for word in words if word.lower() not in text]
        assert missing == [], f"error does not name {missing}: {self.errors}"
        assert self.deleted == []

    def assert_no_secret_logged(self) -> None:
        everything = "\n".join([*self.log, *self.errors])
        leaked = sorted(secret for secret in self.published.secrets if secret in everything)
        assert leaked == [], "dummy secrets in the log or errors"


async def sync(
    published: Published,
    fake_url: str,
    monkeypatch: pytest.MonkeyPatch,
    expected: dict[str, set[str]],
    existing: list[dict[str, Any]] | None = None,
) -> Outcome:
    """Resync `published` against the fake at `fake_url` (see the module docstring).

    An error at start (settings refused at import of main.py) is an outcome too: Ocean never
    resyncs, so it deletes nothing; `errors` then holds its message.
    """
    _set_env(published, fake_url, monkeypatch)
    seeded = existing if existing is not None else _seed(expected)
    outcome = Outcome(published, expected, [], [], [])
    with captured_logs() as lines, _std_logging(lines):
        await _run(published, seeded, outcome)
    outcome.log = lines
    return outcome


async def _run(published: Published, seeded: list[dict[str, Any]], outcome: Outcome) -> None:
    if published.mapping is None:
        # Port's mapping editor refuses YAML that does not parse: nothing reaches Ocean.
        outcome.errors = list(published.mapping_errors)
        return
    # In a pod Ocean imports integration.py before it reads the env, and that import makes
    # Helm's map text readable (connection/helm_map.py). This process imported it once, for
    # the first test: do what that import does (tests/test_image_run.py proves the real path).
    normalise_helm_maps(os.environ, object_names())
    harness = IntegrationTestHarness(
        integration_path=str(ROOT),
        port_mapping_config=published.mapping,
        third_party_transport=InterceptTransport(strict=True),
        config_overrides={"integration": {"identifier": "corpus-custom", "type": "custom"}},
        port_search_entities_response=seeded,
    )
    try:
        await harness.start()
        result = await harness.trigger_resync()
    except Exception as error:  # a refused start is an outcome to assert on
        outcome.errors = [f"{type(error).__name__}: {error}"]
        return
    finally:
        await harness.shutdown()
    outcome.upserted = list(result.upserted_entities)
    outcome.deleted = list(result.deleted_entities)
    outcome.errors = [f"{type(error).__name__}: {error}" for error in result.errors]


def _set_env(published: Published, fake_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("OCEAN__") and name != "OCEAN__CACHING_STORAGE_MODE":
            monkeypatch.delenv(name)
    for name, value in {**published.env_for(fake_url), **published.referenced_env()}.items():
        monkeypatch.setenv(name, value)


def _seed(expected: dict[str, set[str]]) -> list[dict[str, Any]]:
    valid = [entity(i, bp) for bp, ids in sorted(expected.items()) for i in sorted(ids)]
    return [*valid, *(entity(stale_id(bp), bp) for bp in sorted(expected))]


@contextmanager
def _std_logging(lines: list[str]) -> Iterator[None]:
    """Std-library records that would reach stderr in a pod (lastResort prints WARNING+)."""

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Collect(logging.WARNING)
    logging.getLogger().addHandler(handler)
    try:
        yield
    finally:
        logging.getLogger().removeHandler(handler)

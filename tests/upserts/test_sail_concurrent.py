"""The production path with Port's calls in flight together: a real `ocean sail --once`
(`scripts/sail-once.sh`, from the files the image holds), configured as Port's Slack page sets a
container up (corpus A9: its `docker run` variables and its mapping, unchanged), against the
Slack fake (https://api.slack.com/apis/pagination: 250 members, 215 channels in cursor pages)
and Port on loopback.

Port first holds nothing; a run in Ocean's order writes every entity. Then, with Port holding a
third of those unchanged and one stale entity, a run in Ocean's order and a run with the calls in
flight together (the default) must write exactly the same entities — the comparison skips the
unchanged ones either way — and delete exactly the stale one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sample_api.server import FakeApi
from tests.corpus.fakes import slack
from tests.corpus.kit import load
from tests.fake_port import FakePort
from tests.image import build_context
from tests.ocean_run import entity
from tests.sail_once import port_env, sail_once

SWITCH = "OCEAN_CUSTOM_CONCURRENT_PORT_CALLS"
STALE = entity("U-gone", "slack-user")


def _sail(app: Path, env: dict[str, str], mapping: dict[str, Any], held: list[dict[str, Any]],
          concurrent: bool) -> FakePort:  # fmt: skip
    with FakePort(mapping, existing=held) as port:
        run_env = {**env, **port_env(app, port.url), SWITCH: "true" if concurrent else "false"}
        returncode, output = sail_once(app, run_env, timeout=180)
    assert returncode == 0, output[-3000:]
    assert "sail-once: resync finished successfully" in output, output[-3000:]
    return port


def written(port: FakePort, blueprint: str) -> list[str]:
    return sorted(e["identifier"] for e in port.upserted if e["blueprint"] == blueprint)


def test_the_calls_in_flight_together_write_what_oceans_order_writes(
    api: FakeApi, tmp_path: Path
) -> None:
    published = load("A9-slack", "docker.sh")
    slack.install(api, published.value("YOUR_SLACK_BOT_TOKEN"))
    assert published.mapping is not None
    env = {
        name: value
        for name, value in published.env_for(api.url).items()
        if name.startswith("OCEAN__INTEGRATION__")  # Port's and the listener's are the test's
    }
    app = build_context(tmp_path / "app")

    first = _sail(app, env, published.mapping, [], concurrent=False)
    users = [e for e in first.upserted if e["blueprint"] == "slack-user"]
    assert len(users) == 250

    held = [*users[::3], STALE]  # a third unchanged since: compared away, never written
    ocean_order = _sail(app, env, published.mapping, held, concurrent=False)
    concurrent = _sail(app, env, published.mapping, held, concurrent=True)

    expected = sorted(e["identifier"] for e in users if e not in users[::3])
    assert written(ocean_order, "slack-user") == expected
    assert written(concurrent, "slack-user") == expected
    for blueprint in ("slack-channel", "slack-user-group"):
        assert written(concurrent, blueprint) == written(ocean_order, blueprint) != []
    assert [e["identifier"] for e in concurrent.deleted] == ["U-gone"]
    assert [e["identifier"] for e in ocean_order.deleted] == ["U-gone"]

"""The production path: a real `ocean sail --once` (through `scripts/sail-once.sh`, from the
files the image holds) against Port on loopback that refuses every upsert of one blueprint while
its comparison search fails. Ocean's resync state in Port must read "failed", nothing may be
deleted, and the wrapper must exit 1 — where Ocean alone reported "completed" and deleted.
"""

from __future__ import annotations

from pathlib import Path

from sample_api.server import FakeApi
from tests.image import build_context
from tests.ocean_run import entity, mapping, resource
from tests.sail_once import port_env, sail_once
from tests.upserts.refusing_port import PORT_DOWN, Refusals, RefusingFakePort
from tests.upserts.test_port_refusals import offset_pages

SERVICES = [{"id": f"s{n}", "name": "s"} for n in range(30)]
TEAMS = [{"id": f"t{n}", "name": "t"} for n in range(10)]
TWO_KINDS = mapping(
    resource("/teams", blueprint="team", data_path=".data"),
    resource("/services", blueprint="service", data_path=".data"),
)
# Port holds all of them and one team the API dropped, which a completed resync deletes (with
# the services, if Ocean took them as gone: 31 of 41, under its 90 % threshold).
HELD = [
    *(entity(s["id"], "service") for s in SERVICES),
    *(entity(t["id"], "team") for t in TEAMS),
    entity("gone", "team"),
]


def test_sail_once_reports_failed_and_deletes_nothing(api: FakeApi, tmp_path: Path) -> None:
    api.route("GET", "/teams", offset_pages(TEAMS))
    api.route("GET", "/services", offset_pages(SERVICES))
    app = build_context(tmp_path / "app")
    refuse = Refusals({"service": (500, PORT_DOWN)}, search_fails=True)
    with RefusingFakePort(TWO_KINDS, HELD, refuse) as port:
        env = {
            **port_env(tmp_path, port.url),
            "OCEAN__INTEGRATION__CONFIG__BASE_URL": api.url,
            "OCEAN__INTEGRATION__CONFIG__PAGINATION_TYPE": "offset",
            "OCEAN__INTEGRATION__CONFIG__PAGE_SIZE": "20",
        }
        returncode, output = sail_once(app, env)
    assert "the resync FAILED" in output, output[-3000:]
    assert returncode == 1
    assert port.deleted == []  # neither the refused services nor the stale teams
    assert port.resync_state["status"] == "failed"
    assert "30 of the 30 entities of blueprint 'service' sent to Port" in output
    assert "internal_error: An internal error occurred while writing entities" in output

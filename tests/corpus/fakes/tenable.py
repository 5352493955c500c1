"""Tenable Vulnerability Management (cloud.tenable.com) for corpus D1: assets, findings, scans.

Documented behaviour followed here (https://developer.tenable.com/reference/navigate ,
https://developer.tenable.com/docs/authorization ; [vendor-docs, not retrieved]):
- Authentication is the header `X-ApiKeys: accessKey=<a>;secretKey=<s>`; HTTP Basic is not
  accepted. Without valid keys: 401 `{"statusCode": 401, "error": "Unauthorized", "message":
  "Invalid Credentials"}`.
- `GET /assets` → `{"assets": [...], "total"}`; `GET /workbenches/vulnerabilities` →
  `{"vulnerabilities": [{"plugin_id", "plugin_name", "severity", "count", ...}],
  "total_vulnerability_count", "total_asset_count"}` (per plugin, not per plugin x asset);
  `GET /scans` → `{"folders": [...], "scans": [...], "timestamp"}`.
"""

from __future__ import annotations

from typing import Any

from sample_api.server import FakeApi, Reply
from tests.example_fakes import requires

DENIED = Reply(401, {"statusCode": 401, "error": "Unauthorized", "message": "Invalid Credentials"})
ASSETS: list[dict[str, Any]] = [
    {"id": f"a-{n:04d}", "hostname": [f"host{n}"], "ipv4": [f"10.0.0.{n % 250}"]} for n in range(60)
]
VULNS = [
    {"plugin_id": 10_000 + n, "plugin_name": f"Plugin {n}", "severity": n % 5, "count": 3}
    for n in range(40)
]
SCANS: list[dict[str, Any]] = [
    {"id": 500 + n, "name": f"Scan {n}", "status": "completed", "type": "remote"} for n in range(12)
]


def install(api: FakeApi, access_key: str, secret_key: str) -> None:
    auth = requires("X-ApiKeys", f"accessKey={access_key};secretKey={secret_key}", DENIED)
    api.route(
        "GET", "/assets", auth(lambda _r: Reply(json_body={"assets": ASSETS, "total": len(ASSETS)}))
    )
    api.route(
        "GET",
        "/workbenches/vulnerabilities",
        auth(
            lambda _r: Reply(
                json_body={
                    "vulnerabilities": VULNS,
                    "total_vulnerability_count": 120,
                    "total_asset_count": 60,
                }
            )
        ),
    )
    api.route(
        "GET",
        "/scans",
        auth(lambda _r: Reply(json_body={"folders": [], "scans": SCANS, "timestamp": 0})),
    )


EXPECTED: dict[str, set[str]] = {
    "tenable-asset": {a["id"] for a in ASSETS},
    "tenable-scan": {str(s["id"]) for s in SCANS},
}

"""Prometheus HTTP API v1 for corpus A7: `/api/v1/alerts`, `/api/v1/rules`, `/api/v1/targets`.

Documented behaviour followed here (https://prometheus.io/docs/prometheus/latest/querying/api/):
- Every answer is the envelope `{"status": "success", "data": ...}` (errors: `"status": "error"`
  with `errorType` and `error`, and a 4xx/5xx status). These three endpoints are not paginated:
  one response holds everything.
- alerts: `data.alerts` = `[{labels, annotations, state, activeAt, value}]`, `value` a string.
- rules: `data.groups` = `[{name, file, rules: [...], interval, limit, evaluationTime,
  lastEvaluation}]`, each rule `{name, query, health, type: alerting|recording, labels, ...}`;
  one rule name may appear in several groups.
- targets: `data.activeTargets` = `[{discoveredLabels, labels, scrapePool, scrapeUrl, globalUrl,
  lastError, lastScrape, lastScrapeDuration, health, ...}]`, plus `data.droppedTargets`.
- Authentication: none by default. Basic auth comes from the web config file
  (https://prometheus.io/docs/prometheus/latest/configuration/https/, `basic_auth_users`): a
  request without it is `401 Unauthorized`, text/plain. A bearer token is checked by a reverse
  proxy in front of Prometheus (the page's third variant), with the same 401.
"""

from __future__ import annotations

from typing import Any

from sample_api.server import FakeApi, Handler, Received, Reply

DENIED = Reply(
    401,
    body=b"Unauthorized\n",
    headers={"Content-Type": "text/plain; charset=utf-8", "WWW-Authenticate": "Basic"},
)
# Alerts of one rule that fire at one evaluation share alertname and activeAt (only `instance`
# differs): the page's identifier `"\(.labels.alertname)-\(.activeAt)"` merges them into one
# (here: 60 alerts of 12 rules, each rule's alerts at two evaluations → 24 entities).
ALERTS: list[dict[str, Any]] = [
    {
        "labels": {"alertname": f"Alert{n // 5}", "instance": f"node-{n}:9100", "severity": "page"}
        | ({} if n % 7 else {"team": "infra"}),
        "annotations": {"summary": f"Alert {n} is firing"},
        "state": "firing" if n % 3 else "pending",
        "activeAt": f"2024-01-15T10:{n // 5:02d}:{30 * (n % 2):02d}.000Z",
        "value": f"{80 + n % 20}e+00",
    }
    for n in range(60)
]
GROUPS: list[dict[str, Any]] = [
    {
        "name": f"group-{g}",
        "file": f"/etc/prometheus/rules/group-{g}.yml",
        "interval": 60,
        "limit": 0,
        "evaluationTime": 0.0012,
        "lastEvaluation": "2024-01-15T10:30:00.000Z",
        "rules": [
            {
                # Every group has an `InstanceDown` rule: `.name` is not unique across groups.
                "name": "InstanceDown" if r == 0 else f"group{g}:rule{r}",
                "query": f'up{{group="{g}"}} == 0',
                "health": "ok",
                "type": "alerting" if r % 2 == 0 else "recording",
                "labels": {"severity": "page"},
                "evaluationTime": 0.0003,
                "lastEvaluation": "2024-01-15T10:30:00.000Z",
            }
            for r in range(6)
        ],
    }
    for g in range(10)
]
TARGETS: list[dict[str, Any]] = [
    {
        "discoveredLabels": {"__address__": f"10.0.{n // 250}.{n % 250}:9100"},
        "labels": {"instance": f"node-{n}:9100"} | ({"job": "node"} if n % 4 else {}),
        "scrapePool": "node",
        "scrapeUrl": f"http://10.0.{n // 250}.{n % 250}:9100/metrics",
        "globalUrl": f"http://node-{n}:9100/metrics",
        "lastError": "" if n % 9 else "context deadline exceeded",
        "lastScrape": "2024-01-15T10:29:58.000Z",
        "lastScrapeDuration": 0.0123,
        "health": "up" if n % 9 else "down",
        "scrapeInterval": "15s",
        "scrapeTimeout": "10s",
    }
    for n in range(40)
]
DROPPED = [{"discoveredLabels": {"__address__": f"10.9.0.{n}:9100"}} for n in range(5)]


def _success(data: Any) -> Handler:
    return lambda _request: Reply(json_body={"status": "success", "data": data})


def install(api: FakeApi, authorization: str | None) -> None:
    """Serve the three endpoints; with `authorization`, only to requests carrying exactly that
    `Authorization` header (what the proxy or web config checks)."""
    routes = {
        "/api/v1/alerts": _success({"alerts": ALERTS}),
        "/api/v1/rules": _success({"groups": GROUPS}),
        "/api/v1/targets": _success({"activeTargets": TARGETS, "droppedTargets": DROPPED}),
    }
    for path, handler in routes.items():
        api.route("GET", path, _checked(handler, authorization))


def _checked(handler: Handler, authorization: str | None) -> Handler:
    def serve(request: Received) -> Reply:
        if authorization is not None and request.headers.get("authorization") != authorization:
            return DENIED
        return handler(request)

    return serve


EXPECTED: dict[str, set[str]] = {
    "prometheus-alert": {f"{a['labels']['alertname']}-{a['activeAt']}" for a in ALERTS},
    "prometheus-rule": {str(r["name"]) for g in GROUPS for r in g["rules"]},
    "prometheus-target": {str(t["scrapeUrl"]) for t in TARGETS},
}

"""Azure Resource Manager, Microsoft.Insights, for corpus A6: metric alerts and activity logs.

Documented behaviour followed here:
- Metric Alerts - List By Subscription
  (https://learn.microsoft.com/en-us/rest/api/monitor/metric-alerts/list-by-subscription):
  `GET /subscriptions/{id}/providers/Microsoft.Insights/metricAlerts?api-version=2018-03-01`
  → `{"value": [{id, name, type, location, tags, properties: {description, severity, enabled,
  scopes, evaluationFrequency, windowSize, targetResourceType, targetResourceRegion, criteria,
  ...}}]}`; MetricAlertResourceCollection has no nextLink: one response holds every alert.
- Activity Logs - List (https://learn.microsoft.com/en-us/rest/api/monitor/activity-logs/list):
  `GET /subscriptions/{id}/providers/Microsoft.Insights/eventtypes/management/values
  ?api-version=2015-04-01&$filter=eventTimestamp ge '...'` ($filter is required, with at least
  the start time) → `{"value": [EventData...], "nextLink": "<absolute URL>"}`; the service
  picks the page size (PAGE_SIZE here) and the next page's URL carries a `$skiptoken`.
- ARM errors (https://learn.microsoft.com/en-us/azure/azure-resource-manager/troubleshooting/
  common-deployment-errors): `{"error": {"code", "message"}}` with 400 for a missing or wrong
  `api-version` and for a malformed subscription id (`InvalidSubscriptionId`), 401
  `AuthenticationFailed` / `InvalidAuthenticationToken` without a valid bearer token.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sample_api.server import FakeApi, Handler, Received, Reply
from tests.example_fakes import origin

SUBSCRIPTION = "5f2c8a4e-1b7d-4c3e-9a6f-0d8e7b6c5a41"  # what a user pastes for YOUR_SUBSCRIPTION_ID
GROUPS = f"/subscriptions/{SUBSCRIPTION}/resourceGroups"
PROVIDER = "/providers/Microsoft.Insights"
PAGE_SIZE = 200
ALERT_VERSION, LOG_VERSION = "2018-03-01", "2015-04-01"


def _alert(n: int) -> dict[str, Any]:
    group = f"rg-app-{n % 7}"
    scope = f"{GROUPS}/{group}/providers/Microsoft.Web/sites/app{n}"
    return {
        "id": f"{GROUPS}/{group}{PROVIDER}/metricAlerts/cpu-{n}",
        "name": f"cpu-{n}",
        "type": "Microsoft.Insights/metricAlerts",
        "location": "global",
        "tags": {},
        "properties": {
            "description": f"CPU above 80% on app{n}",
            "severity": n % 5,
            "enabled": n % 6 != 0,
            "scopes": [scope],
            "evaluationFrequency": "PT1M",
            "windowSize": "PT5M",
            "targetResourceType": "Microsoft.Web/sites",
            "targetResourceRegion": "westeurope",
            "criteria": {
                "odata.type": "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria"
            },
            "autoMitigate": True,
        },
    }


def _event(n: int) -> dict[str, Any]:
    group = f"rg-app-{n % 7}"
    resource = f"{GROUPS}/{group}/providers/Microsoft.Web/sites/app{n % 40}"
    operation = {"value": "Microsoft.Web/sites/write", "localizedValue": "Create or Update Web App"}
    event_id = f"{n:08x}-0000-4000-8000-000000000000"
    return {
        "id": f"{resource}/events/{event_id}/ticks/{638700000000000000 + n}",
        "eventDataId": event_id,
        "eventName": {"value": "EndRequest", "localizedValue": "End request"} if n % 4 else None,
        "operationName": operation,
        "resourceId": resource,
        "resourceGroupName": group,
        "resourceProviderName": {"value": "Microsoft.Web", "localizedValue": "Microsoft.Web"},
        "status": {"value": "Succeeded", "localizedValue": "Succeeded"},
        "subStatus": {"value": "OK", "localizedValue": "OK (HTTP Status Code: 200)"},
        "eventTimestamp": f"2025-12-{1 + n % 28:02d}T08:00:{n % 60:02d}.1234567Z",
        "caller": f"user{n % 9}@contoso.com",
        "level": "Informational",
    }


ALERTS = [_alert(n) for n in range(120)]
EVENTS = [_event(n) for n in range(450)]


def _error(status: int, code: str, message: str) -> Reply:
    return Reply(status, {"error": {"code": code, "message": message}})


def _arm(subscription: str, token: str, version: str, handler: Handler) -> Handler:
    """The checks ARM makes before the operation: token, subscription id, api-version."""

    def serve(request: Received) -> Reply:
        if request.headers.get("authorization") != f"Bearer {token}":
            return _error(401, "InvalidAuthenticationToken", "The access token is invalid.")
        if subscription != SUBSCRIPTION:
            return _error(
                400,
                "InvalidSubscriptionId",
                f"The provided subscription identifier '{subscription}' is malformed or invalid.",
            )
        if request.query.get("api-version") != version:
            return _error(
                400,
                "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.",
            )
        return handler(request)

    return serve


def alerts(_request: Received) -> Reply:
    return Reply(json_body={"value": ALERTS})


def activity_logs(request: Received) -> Reply:
    """Pages of PAGE_SIZE events; `nextLink` repeats api-version and $filter, adds $skiptoken."""
    where = request.query.get("$filter", "")
    if not where.startswith("eventTimestamp ge '"):
        return _error(400, "BadRequest", "The $filter query parameter must set eventTimestamp ge.")
    start = int(request.query.get("$skiptoken") or 0)
    body: dict[str, Any] = {"value": EVENTS[start : start + PAGE_SIZE]}
    if start + PAGE_SIZE < len(EVENTS):
        body["nextLink"] = (
            f"{origin(request)}{request.path}?api-version={LOG_VERSION}"
            f"&$filter={quote(where)}&$skiptoken={start + PAGE_SIZE}"
        )
    return Reply(json_body=body)


def install(api: FakeApi, token: str, *subscriptions: str) -> None:
    """Serve both operations under each of `subscriptions` (SUBSCRIPTION by default); any other
    id than SUBSCRIPTION answers ARM's InvalidSubscriptionId."""
    for subscription in subscriptions or (SUBSCRIPTION,):
        base = f"/subscriptions/{subscription}{PROVIDER}"
        api.route("GET", f"{base}/metricAlerts", _arm(subscription, token, ALERT_VERSION, alerts))
        logs = _arm(subscription, token, LOG_VERSION, activity_logs)
        api.route("GET", f"{base}/eventtypes/management/values", logs)


EXPECTED: dict[str, set[str]] = {
    "azure-monitor-alert": {str(a["id"]) for a in ALERTS},
    "azure-monitor-activity-log": {str(e["id"]) for e in EVENTS},
}

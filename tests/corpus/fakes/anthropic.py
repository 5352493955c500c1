"""Anthropic Admin API: the Usage & Cost reports and the Claude Code Analytics report.

Documented behaviour followed here:
- Messages usage report —
  https://platform.claude.com/docs/en/api/admin/usage_report/retrieve_messages :
  `GET /v1/organizations/usage_report/messages?starting_at=...&bucket_width=1d&group_by[]=...`;
  `{"data": [{"starting_at", "ending_at", "results": [...]}], "has_more", "next_page"}`: one
  bucket per day from `starting_at`, `limit` buckets a page (1d: default 7, max 31), the next
  page requested with `page=<next_page>`. A bucket without usage has `results: []`; grouped by
  `workspace_id` the default workspace is `null`.
- Cost report — https://platform.claude.com/docs/en/api/admin/cost_report/retrieve : the same
  buckets; results carry `amount` as a decimal string, `currency`, `cost_type`, `model`.
- Claude Code Analytics —
  https://platform.claude.com/docs/en/api/beta/organization/usage_report/retrieve_claude_code :
  `starting_at` is one UTC day (YYYY-MM-DD); records `{date, actor: {type: "user_actor",
  email_address} | {type: "api_actor", api_key_name}, organization_id, terminal_type,
  core_metrics, tool_actions, model_breakdown}`; `limit` default 20, max 1000.
- Authentication and errors — https://docs.anthropic.com/en/api/overview ,
  https://docs.anthropic.com/en/api/errors : `x-api-key: <admin key>` and
  `anthropic-version: 2023-06-01`; errors are `{"type": "error", "error": {"type":
  "authentication_error", "message": ...}}` with 401 (400 `invalid_request_error` for a
  missing version header). A Bearer header is not accepted by the Admin API.
"""

from __future__ import annotations

from base64 import b64decode, b64encode
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs

from sample_api.server import FakeApi, Received, Reply

ORG = "7d1c1a52-0000-4000-8000-00000000c1a0"
WORKSPACES = [None, "wrkspc_01Platform", "wrkspc_01Research"]
MODELS = ["claude-sonnet-4-20250514", "claude-opus-4-20250514", "claude-3-5-haiku-20241022"]
MESSAGES = "/v1/organizations/usage_report/messages"
COST = "/v1/organizations/cost_report"
CLAUDE_CODE = "/v1/organizations/usage_report/claude_code"


def _error(status: int, kind: str, message: str) -> Reply:
    return Reply(status, {"type": "error", "error": {"type": kind, "message": message}})


def _usage(n: int, **group: Any) -> dict[str, Any]:
    return {
        **group,
        "uncached_input_tokens": 1000 + n,
        "cache_creation": {"ephemeral_5m_input_tokens": n, "ephemeral_1h_input_tokens": 2 * n},
        "cache_read_input_tokens": 10 * n,
        "output_tokens": 500 + n,
        "server_tool_use": {"web_search_requests": n % 3},
    }


@dataclass
class AnthropicAdmin:
    """An organisation whose usage runs up to `today`; day 3 of every month has no usage."""

    api_key: str
    today: date
    user_actors: int = 5
    api_actors: int = 12

    def install(self, api: FakeApi) -> None:
        api.route("GET", MESSAGES, self._checked(self._messages))
        api.route("GET", COST, self._checked(self._cost))
        api.route("GET", CLAUDE_CODE, self._checked(self._claude_code))

    def days(self, start: date) -> list[date]:
        return [start + timedelta(n) for n in range((self.today - start).days + 1)]

    def actors(self) -> list[dict[str, str]]:
        users = [
            {"type": "user_actor", "email_address": f"dev{n}@example.com"}
            for n in range(self.user_actors)
        ]
        keys = [
            {"type": "api_actor", "api_key_name": f"ci-key-{n}"} for n in range(self.api_actors)
        ]
        return users + keys

    def _checked(self, handler: Any) -> Any:
        def checked(request: Received) -> Reply:
            if request.headers.get("x-api-key") != self.api_key:
                return _error(401, "authentication_error", "invalid x-api-key")
            if request.headers.get("anthropic-version") != "2023-06-01":
                return _error(400, "invalid_request_error", "anthropic-version: header is required")
            return handler(request)  # type: ignore[no-any-return]

        return checked

    def _buckets(self, request: Received, results: Any) -> Reply:
        raw = request.query.get("starting_at", "")
        if request.query.get("bucket_width", "1d") != "1d" or len(raw) < 10:
            return _error(400, "invalid_request_error", "starting_at: expected RFC 3339 datetime")
        groups = parse_qs(request.raw_query).get("group_by[]", [])
        buckets = [
            {
                "starting_at": f"{day.isoformat()}T00:00:00Z",
                "ending_at": f"{(day + timedelta(1)).isoformat()}T00:00:00Z",
                "results": [] if day.day == 3 else results(day, groups),
            }
            for day in self.days(date.fromisoformat(raw[:10]))
        ]
        return _page(request, buckets, default=7, maximum=31)

    def _messages(self, request: Received) -> Reply:
        def results(day: date, groups: list[str]) -> list[dict[str, Any]]:
            if "workspace_id" in groups:
                return [_usage(day.day + i, workspace_id=w) for i, w in enumerate(WORKSPACES)]
            if "model" in groups:
                return [_usage(day.day + i, model=m) for i, m in enumerate(MODELS)]
            return [_usage(day.day)]

        return self._buckets(request, results)

    def _cost(self, request: Received) -> Reply:
        def results(day: date, _groups: list[str]) -> list[dict[str, Any]]:
            amount = f"{day.day * 12.5 + 0.37:.2f}"
            return [
                {"amount": amount, "currency": "USD", "cost_type": "tokens", "model": MODELS[0]}
            ]

        return self._buckets(request, results)

    def _claude_code(self, request: Received) -> Reply:
        day = request.query.get("starting_at", "")
        if len(day) != 10:
            return _error(400, "invalid_request_error", "starting_at: expected YYYY-MM-DD")
        records = [
            {
                "date": f"{day}T00:00:00Z",
                "actor": actor,
                "organization_id": ORG,
                "customer_type": "api",
                "terminal_type": "vscode" if n % 2 else "iTerm.app",
                "core_metrics": {
                    "num_sessions": n + 1,
                    "lines_of_code": {"added": 40 * n, "removed": 7 * n},
                    "commits_by_claude_code": n % 4,
                    "pull_requests_by_claude_code": n % 2,
                },
                "tool_actions": {"edit_tool": {"accepted": n, "rejected": 1}},
                "model_breakdown": [{"model": MODELS[0], "tokens": {"input": 10 * n}}],
            }
            for n, actor in enumerate(self.actors())
        ]
        return _page(request, records, default=20, maximum=1000)


def _page(request: Received, items: list[dict[str, Any]], default: int, maximum: int) -> Reply:
    """A page of `items` from the opaque `page` cursor (the previous response's `next_page`)."""
    limit = min(int(request.query.get("limit") or default), maximum)
    cursor = request.query.get("page")
    start = int(b64decode(cursor).decode().removeprefix("page_")) if cursor else 0
    end = start + limit
    more = end < len(items)
    next_page = b64encode(f"page_{end}".encode()).decode() if more else None
    return Reply(json_body={"data": items[start:end], "has_more": more, "next_page": next_page})

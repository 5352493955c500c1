"""Port's answers to entity upserts, read for the entities refused and Port's own words.

Port's API (https://docs.port.io/api-reference/create-multiple-entities): `POST
/v1/blueprints/{blueprint}/entities/bulk` answers 200 when every entity was written and 207
Multi-Status when some were not, listing those in `errors` (`identifier`, `index`, `statusCode`,
`error`, `message`: Ocean's `EntityBulkError`); any other error status refused the whole request.
A failed request answers in Port's error shape, `{"ok": false, "error": "...", "message": "..."}`.
`POST /v1/blueprints/{blueprint}/entities` writes one entity. A 413 on a bulk request is not a
refusal: Ocean then sends those entities one by one.

The words are kept raw here; `check.py` masks secrets in them before any of it is shown.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import httpx

# Bulk delete is /blueprints/{bp}/bulk/entities/delete, search is /entities/search: not matched.
_ENTITY_WRITE = re.compile(r"/blueprints/(?P<blueprint>[^/]+)/entities(?P<bulk>/bulk)?/?$")
_TOO_LARGE = 413


@dataclass(frozen=True)
class PortAnswer:
    """One thing Port said when it refused entities: its status and its own words (raw)."""

    status: int
    words: str


@dataclass(frozen=True)
class Refusal:
    """Port refused `entities` entities of `blueprint`, saying `answer`."""

    blueprint: str
    entities: int
    answer: PortAnswer


def entity_write(request: httpx.Request) -> tuple[str, bool] | None:
    """(blueprint, is_bulk) when `request` upserts entities, else None."""
    if request.method != "POST":
        return None
    match = _ENTITY_WRITE.search(request.url.path)
    if match is None:
        return None
    return unquote(match["blueprint"]), match["bulk"] is not None


def refusals_in(response: httpx.Response) -> list[Refusal]:
    """The refusals in Port's (already read) answer to an entity upsert; [] when none."""
    write = entity_write(response.request)
    if write is None:
        return []
    blueprint, bulk = write
    status = response.status_code
    if response.is_success:
        body = _json(response.content) if bulk else None
        errors = body.get("errors") if isinstance(body, dict) else None
        return [
            Refusal(blueprint, 1, PortAnswer(_status(error, status), _words(error)))
            for error in (errors if isinstance(errors, list) else [])
        ]
    if bulk and status == _TOO_LARGE:
        return []
    body = _json(response.content)
    words = _words(body) if isinstance(body, dict) else response.text.strip()
    return [Refusal(blueprint, _entities_sent(response.request, bulk), PortAnswer(status, words))]


def _entities_sent(request: httpx.Request, bulk: bool) -> int:
    if not bulk:
        return 1
    sent = _json(request.content)
    entities = sent.get("entities") if isinstance(sent, dict) else None
    return len(entities) if isinstance(entities, list) else 1


def _status(error: Any, default: int) -> int:
    status = error.get("statusCode") if isinstance(error, dict) else None
    return status if isinstance(status, int) else default


def _words(said: Any) -> str:
    """Port's error shape as `error: message`; anything else as compact JSON."""
    if isinstance(said, dict):
        parts = [said.get("error"), said.get("message")]
        words = [str(part) for part in parts if part not in (None, "")]
        if words:
            return ": ".join(words)
    return json.dumps(said, separators=(",", ":"), default=str)


def _json(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return None

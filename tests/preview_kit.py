"""A loopback API and input files for the preview tests (tests/test_preview.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from sample_api.server import FakeApi, Received, Reply

TOKEN = "tok-" + "pr3v13w" * 8  # long: Ocean's substring masking cannot hide a leak by luck
ITEMS = [{"id": i, "name": f"svc-{i}"} for i in range(1, 6)]


def authed(handler: Callable[[Received], Reply]) -> Callable[[Received], Reply]:
    def guarded(request: Received) -> Reply:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return Reply(401, {"error": "bad token"})
        return handler(request)

    return guarded


def serve_items(api: FakeApi) -> None:
    """Pages of 2 under `items`; the next link carries the token, as some APIs do."""

    def page(request: Received) -> Reply:
        number = int(request.query.get("page", "1"))
        body: dict[str, Any] = {"items": ITEMS[(number - 1) * 2 : number * 2]}
        if number * 2 < len(ITEMS):
            body["next"] = f"{api.url}/api/items?page={number + 1}&access_token={TOKEN}"
        return Reply(json_body=body)

    api.route("GET", "/api/items", authed(page))


def settings_for(api: FakeApi) -> dict[str, Any]:
    return {
        "baseUrl": api.url + "/api",
        "authType": "bearer_token",
        "apiToken": TOKEN,
        "paginationType": "next_link",
        "nextLinkPath": "next",
        "maxRetries": 0,
    }


def port_resource(kind: str, data_path: str, **mappings: Any) -> dict[str, Any]:
    query = mappings.pop("query", "true")
    return {
        "kind": kind,
        "selector": {"query": query, "data_path": data_path},
        "port": {
            "entity": {
                "mappings": {
                    "identifier": ".id | tostring",
                    "title": ".name",
                    "blueprint": '"service"',
                    **mappings,
                }
            }
        },
    }


def write_inputs(folder: Path, api: FakeApi, *resources: dict[str, Any]) -> tuple[Path, Path]:
    settings, config = folder / "settings.yml", folder / "port-app-config.yml"
    settings.write_text(yaml.safe_dump(settings_for(api)))
    config.write_text(yaml.safe_dump({"resources": list(resources)}))
    return settings, config

"""Joining a resource's path to `baseUrl`, keeping the base URL's own path prefix.

Below the settings (the login endpoint of `customAuthRequest` is joined when they are parsed) and
below `connection/endpoint.py`, so neither has to import the other for it.
"""

from __future__ import annotations

import httpx


def join_url(base_url: str, path: str) -> str:
    """`https://h/api` + `/v1/users?x=1` → `https://h/api/v1/users?x=1` (prefix kept)."""
    if httpx.URL(path).is_absolute_url:
        raise ValueError(f"kind {path!r} must be a path relative to baseUrl, not an absolute URL")
    return base_url.rstrip("/") + "/" + path.lstrip("/")

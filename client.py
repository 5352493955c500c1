"""The only I/O of the integration: fetch every page of an endpoint and yield its items.

One page loop serves every pagination style: the paginator decides what the next request is,
`PaginationGuard` refuses to loop, and every failure raises (see `errors.py` for why).
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
from loguru import logger

from auth import origin_of
from completeness import CompletenessCheck
from data_path import extract_items
from endpoint import Endpoint
from errors import AuthenticationError, FetchError, ResponseFormatError
from pagination import Done, NextPage, Page, PaginationGuard, build_paginator
from redaction import Redactor, excerpt
from response_checks import check_error_body
from settings import ConnectionSettings
from transport import RETRYABLE, STATS, RequestStats

MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Headers that carry no credential and may follow a next link to another origin.
NEUTRAL_HEADERS = frozenset({"accept", "accept-language", "user-agent", "content-type"})


@dataclass
class EndpointRun:
    """Counters for one endpoint run, reported in its finish line."""

    pages: int = 0
    items: int = 0
    stop_reason: str = ""
    stats: RequestStats | None = None


class ApiClient:
    def __init__(
        self, http: httpx.AsyncClient, settings: ConnectionSettings, redact: Redactor
    ) -> None:
        self._http, self._settings, self._redact = http, settings, redact
        self._home = origin_of(settings.base_url)

    async def iter_items(self, endpoint: Endpoint) -> AsyncIterator[list[dict[str, Any]]]:
        """Yield each page's items as soon as the page arrives; raise on any failure."""
        stats = RequestStats()
        run = EndpointRun(stats=stats)
        started = time.monotonic()
        where = f"{endpoint.method} {endpoint.kind}"
        logger.info(f"{where}: fetching {self._redact(endpoint.url)}")
        paginator = build_paginator(self._settings)
        guard = PaginationGuard(self._settings.max_pages)
        completeness = CompletenessCheck(self._settings, endpoint)
        step: NextPage | Done = paginator.first()
        while isinstance(step, NextPage):
            request = self._build_request(endpoint, step, stats)
            guard.check_request(self._redact(str(request.url)))
            response = await self._send(request, endpoint)
            body = self._decode(response, endpoint)
            page_where = self._describe(request, endpoint)
            check_error_body(
                body, endpoint.error_when, endpoint.error_message_path, page_where, self._redact
            )
            items = extract_items(body, endpoint.data_path, page_where)
            guard.check_page(response.content, len(items))
            completeness.observe(body, items)
            run.pages, run.items = run.pages + 1, run.items + len(items)
            # Structured copy of the line for tools that report per page (the preview command).
            page_url = self._redact(str(request.url))
            page_info = {"page": run.pages, "items": len(items), "url": page_url}
            logger.bind(endpoint_page=page_info).debug(
                f"{where}: page {run.pages} → {len(items)} items"
            )
            if items:
                yield items
            step = paginator.next(Page(response.url, response.headers, body, len(items)))
        run.stop_reason = step.reason
        checked = completeness.finish(where)  # warns, or raises with strictTotal
        run_info = {"url": self._redact(endpoint.url), "pages": run.pages, "items": run.items}
        bound = logger.bind(endpoint_run={**run_info, "stop_reason": step.reason})
        log = bound.warning if step.suspicious else bound.info
        log(
            f"{where}: done — {run.items} items in {run.pages} pages, "
            f"{time.monotonic() - started:.2f}s, stopped: {step.reason}; "
            f"{stats.retries} retries, {stats.waited_seconds:.1f}s waited{checked}"
        )

    def _build_request(
        self, endpoint: Endpoint, step: NextPage, stats: RequestStats | None
    ) -> httpx.Request:
        url = step.url or endpoint.url
        same_origin = origin_of(url) == self._home
        headers = endpoint.headers if same_origin else _neutral(endpoint.headers)
        params = None
        if not step.url:
            # httpx replaces a URL's query with `params`: merge the kind's own query string in,
            # then the user's query_params, then the pagination's (the last one wins).
            kind_query = httpx.URL(endpoint.url).params
            params = kind_query.merge(endpoint.query_params).merge(step.params)
        body_kwargs: dict[str, Any] = {}
        if endpoint.body is not None and endpoint.method not in ("GET", "HEAD"):
            body_kwargs["json"] = endpoint.body
        extensions = {STATS: stats, RETRYABLE: endpoint.retryable}
        request = self._http.build_request(
            endpoint.method,
            url,
            params=params,
            headers=headers,
            extensions=extensions,
            **body_kwargs,
        )
        if not same_origin:
            _drop_cookies(request)
            logger.warning(
                f"{endpoint.kind}: next page is on another origin "
                f"({_origin_text(request.url)}); sent without credentials"
            )
        return request

    async def _send(self, request: httpx.Request, endpoint: Endpoint) -> httpx.Response:
        """Send, following redirects ourselves so each hop is re-scoped by the auth layer."""
        for _ in range(MAX_REDIRECTS + 1):
            try:
                response = await self._http.send(request)
            except httpx.TimeoutException as error:
                raise FetchError(
                    f"{self._describe(request, endpoint)} timed out "
                    f"(timeout={self._settings.timeout:g}s): {type(error).__name__}. "
                    "Raise timeout or lower pageSize"
                ) from None
            except httpx.HTTPError as error:
                raise FetchError(
                    f"{self._describe(request, endpoint)} failed: {type(error).__name__}: "
                    f"{self._redact(str(error))}{_network_hint(error)}"
                ) from None
            if response.status_code not in REDIRECT_STATUSES or "location" not in response.headers:
                self._check_status(response, endpoint)
                return response
            request = self._redirect(request, response, endpoint)
        raise FetchError(
            f"{self._describe(request, endpoint)}: more than {MAX_REDIRECTS} redirects"
        )

    def _redirect(
        self, request: httpx.Request, response: httpx.Response, endpoint: Endpoint
    ) -> httpx.Request:
        target = request.url.join(response.headers["location"])
        method = "GET" if response.status_code == 303 else request.method
        same_origin = origin_of(target) == self._home
        headers = endpoint.headers if same_origin else _neutral(endpoint.headers)
        content = request.content if method == request.method else None
        redirected = self._http.build_request(
            method, target, headers=headers, content=content, extensions=request.extensions
        )
        if not same_origin:
            _drop_cookies(redirected)
        return redirected

    def _check_status(self, response: httpx.Response, endpoint: Endpoint) -> None:
        if response.is_success:
            return
        status = response.status_code
        detail = f"{self._describe(response.request, endpoint)} returned {status}"
        body = excerpt(response.text, self._redact)
        if status == 401:
            raise AuthenticationError(
                f"{detail}: the API rejected the credentials. Check authType and its secret "
                f"(apiToken / username+password / apiKey, apiKeyHeader). Response: {body}",
                status_code=status,
            )
        hints = {
            403: "the credentials lack permission for this endpoint: check the scopes or role "
            "behind authType's secret (apiToken / username / apiKey), and the kind path",
            404: "check the kind path: it is joined to baseUrl",
            405: "check selector.method",
            400: "check selector.query_params / body and the pagination parameter names",
            422: "check selector.query_params / body and the pagination parameter names",
        }
        hint = hints.get(status, "the API failed" + (" after retries" if status >= 500 else ""))
        raise FetchError(f"{detail} ({hint}). Response: {body}", status_code=status)

    def _decode(self, response: httpx.Response, endpoint: Endpoint) -> Any:
        if response.status_code == 204 or not response.content.strip():
            return None
        try:
            return json.loads(response.content)
        except ValueError:
            content_type = response.headers.get("content-type", "no content-type")
            raise ResponseFormatError(
                f"{self._describe(response.request, endpoint)} returned "
                f"{response.status_code} with a body that is not JSON ({content_type}): "
                f"{excerpt(response.text, self._redact, 200)}. An HTML page usually means a "
                "login page, a proxy error or a wrong baseUrl",
                status_code=response.status_code,
            ) from None

    def _describe(self, request: httpx.Request, endpoint: Endpoint) -> str:
        return f"[{endpoint.kind}] {request.method} {self._redact(str(request.url))}"


def _neutral(headers: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in headers.items() if name.lower() in NEUTRAL_HEADERS}


def _drop_cookies(request: httpx.Request) -> None:
    """httpx's cookie jar matches by domain and ignores the port (RFC 6265), so a session cookie
    of the API would follow a link to another origin; it is a credential, so it stays home."""
    request.headers.pop("cookie", None)


def _origin_text(url: httpx.URL) -> str:
    scheme, host, port = origin_of(url)
    return f"{scheme}://{host}:{port}"


def _network_hint(error: httpx.HTTPError) -> str:
    text = str(error)
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return (
            ". The API's TLS certificate is not trusted: fix its chain, or set verifySsl to false "
            "for an internal API with a self-signed certificate"
        )
    if isinstance(error, httpx.ConnectError):
        return (
            ". Check baseUrl and that the API is reachable from where the integration runs "
            "(hosted by Port, private and loopback addresses are blocked)"
        )
    return ""

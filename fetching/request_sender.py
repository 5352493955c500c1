"""One request of an endpoint run: built, sent, followed through redirects, its status checked.

The half of the client's I/O that knows nothing about pages (`client.py` holds the page loop;
a response's body is read into a page by `pages/page_reader.py`).
Credentials stay on the API's origin: a next link or redirect to another origin is sent without
them, and every message has the configured secrets masked. The page's pagination values are put
where `paginationLocation` says by `fetching/page_placement.py`.

Retries: GET and HEAD are retried; another method only when the selector says `read_only: true`
— or, unless it says `read_only: false`, when the endpoint pages through its body
(`paginationLocation: body`): a request that asks for page N of a list is a read (Notion's,
Jira's and Elasticsearch's searches, GraphQL queries), and one 429 would otherwise fail the resync.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import httpx
from loguru import logger

from auth.static import origin_of
from connection.endpoint import Endpoint
from connection.neutral_headers import NEUTRAL_HEADERS
from connection.settings import ConnectionSettings
from core.errors import AuthenticationError, FetchError, RequestTimeoutError
from core.http_methods import NO_BODY_METHODS
from core.redaction import Redactor, excerpt
from core.redirects import REDIRECT_STATUSES
from fetching.page_placement import mark_body_values, place
from pagination import NextPage
from transport.deadline import request_timeout
from transport.stack import RETRYABLE, STATS, STREAM, RequestStats

MAX_REDIRECTS = 5


class RequestSender:
    def __init__(
        self, http: httpx.AsyncClient, settings: ConnectionSettings, redact: Redactor
    ) -> None:
        self._http, self._settings, self._redact = http, settings, redact
        self._home = origin_of(settings.base_url)

    def build(
        self, endpoint: Endpoint, step: NextPage, stats: RequestStats, stream: bool = False
    ) -> httpx.Request:
        params: httpx.QueryParams | None = None
        body = endpoint.body
        settings = endpoint.pagination
        if step.url:
            url = httpx.URL(step.url)
            same_origin = origin_of(url) == self._home
        else:
            url, origin, kind_query = _parsed(endpoint.url)
            same_origin = origin == self._home
            # httpx replaces a URL's query with `params`: merge the kind's own query string in,
            # then the user's query_params, then the pagination's (the last one wins).
            params, body = place(step, settings, endpoint, kind_query.merge(endpoint.query_params))
        headers = endpoint.headers if same_origin else _neutral(endpoint.headers)
        body_kwargs: dict[str, Any] = {}
        if body is not None and endpoint.method not in NO_BODY_METHODS:
            body_kwargs["json"] = body
        extensions = {STATS: stats, RETRYABLE: self.retryable(endpoint), STREAM: stream}
        request = self._http.build_request(
            endpoint.method,
            url,
            params=params,
            headers=headers,
            extensions=extensions,
            timeout=endpoint.call.timeout or httpx.USE_CLIENT_DEFAULT,  # selector.timeout
            **body_kwargs,
        )
        mark_body_values(request, step, settings)
        if not same_origin:
            _drop_cookies(request)
            if not stats.other_origin:  # once per run: the finish line counts them all
                logger.warning(
                    f"{endpoint.kind}: next page is on another origin "
                    f"({_origin_text(request.url)}); sent without credentials"
                )
            stats.other_origin += 1
        return request

    def retryable(self, endpoint: Endpoint) -> bool:
        """See the module docstring: a body-paginated call is a read unless read_only: false."""
        if endpoint.read_only is None and endpoint.pagination.pagination_location == "body":
            return True
        return endpoint.retryable

    async def send(self, request: httpx.Request, endpoint: Endpoint) -> httpx.Response:
        """Send, following redirects ourselves so each hop is re-scoped by the auth layer.

        A request marked STREAM comes back with a 2xx body unread: the caller closes it."""
        stream = request.extensions.get(STREAM) is True
        for _ in range(MAX_REDIRECTS + 1):
            try:
                response = await self._http.send(request, stream=stream)
            except httpx.TimeoutException as error:  # not retried (a write, or maxRetries 0)
                raise RequestTimeoutError(
                    f"{self.describe(request, endpoint)}{self._via(error, request)} timed out "
                    f"(timeout={request_timeout(request, self._settings.timeout):g}s, which bounds "
                    "connecting, the headers and the whole body): "
                    f"{type(error).__name__}: {self._redact(str(error))}. "
                    "Raise timeout (or the resource's selector.timeout) or lower pageSize"
                ) from None
            except httpx.HTTPError as error:
                via = self._via(error, request)
                hint = _AUTH_CALL_HINT if via else _network_hint(error)
                raise FetchError(
                    f"{self.describe(request, endpoint)}{via} failed: {type(error).__name__}: "
                    f"{self._redact(str(error))}{hint}"
                ) from None
            if response.status_code not in REDIRECT_STATUSES or "location" not in response.headers:
                self._check_status(response, endpoint)
                return response
            request = self._redirect(request, response, endpoint)
        raise FetchError(f"{self.describe(request, endpoint)}: more than {MAX_REDIRECTS} redirects")

    def _via(self, error: httpx.HTTPError, request: httpx.Request) -> str:
        """When the request that got no response was another one — the auth flow's token or
        login call, sent on this request's behalf — name it: it is the one to fix."""
        try:
            failed = error.request
        except RuntimeError:  # an error raised without a request
            return ""
        if failed is request or failed.url == request.url:
            return ""
        return f", while sending {failed.method} {self._redact(str(failed.url))} for it,"

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
        detail = f"{self.describe(response.request, endpoint)} returned {status}"
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

    def describe(self, request: httpx.Request, endpoint: Endpoint) -> str:
        return f"[{endpoint.kind}] {request.method} {self._redact(str(request.url))}"


@lru_cache(maxsize=1024)
def _parsed(url: str) -> tuple[httpx.URL, tuple[str, str, int | None], httpx.QueryParams]:
    """An endpoint's URL parsed once, not once per page: URL parsing is most of the cost of
    building a request."""
    parsed = httpx.URL(url)
    return parsed, origin_of(parsed), parsed.params


def _neutral(headers: dict[str, str]) -> dict[str, str]:
    return {name: value for name, value in headers.items() if name.lower() in NEUTRAL_HEADERS}


def _drop_cookies(request: httpx.Request) -> None:
    """httpx's cookie jar matches by domain and ignores the port (RFC 6265), so a session cookie
    of the API would follow a link to another origin; it is a credential, so it stays home."""
    request.headers.pop("cookie", None)


def _origin_text(url: httpx.URL) -> str:
    scheme, host, port = origin_of(url)
    return f"{scheme}://{host}:{port}"


_AUTH_CALL_HINT = (
    ". Check the token or login endpoint (oauthTokenUrl, customAuthRequest.endpoint) and that it "
    "is reachable from where the integration runs"
)


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

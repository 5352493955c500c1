"""Loopback fakes of real APIs, one module per `examples/<api>/` directory.

Each module follows its API's *documented* response shape, pagination and authentication (its
docstring cites the pages) and exposes `install(api) -> Expected`: it registers the routes on a
`FakeApi` and says what a resync of the example must produce. A request without the documented
credential gets the API's documented rejection, so a wrong `authType` fails the resync.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sample_api.server import Handler, Received, Reply


@dataclass(frozen=True)
class Expected:
    """What a resync of an example over its fake must produce and send."""

    entities: dict[str, set[str]]  # blueprint → identifiers
    auth_header: str  # lower-case header name
    auth_value: str  # its exact value, as the API documents it
    requests: int  # every request the example should make: pages, plus any documented probe
    # Requests that parallel pages may send past the end, depending on which response comes
    # first: at most maxConcurrentRequests - 1 per offset/page endpoint (docs/performance.md).
    past_the_end: int = 0
    login_path: str | None = None  # a token endpoint: it checks the client credentials itself


def origin(request: Received) -> str:
    """The fake's own origin, as the client addressed it: links point back at it."""
    return f"http://{request.headers['host']}"


def requires(header: str, value: str, denied: Reply) -> Callable[[Handler], Handler]:
    """Wrap a handler so that a request without `header: value` gets `denied`."""

    def wrap(handler: Handler) -> Handler:
        def checked(request: Received) -> Reply:
            if request.headers.get(header.lower()) != value:
                return denied
            return handler(request)

        return checked

    return wrap


def size(request: Received, name: str, default: int, maximum: int) -> int:
    """A page-size query parameter as these APIs treat it: absent → default, capped at max."""
    raw = request.query.get(name)
    return min(int(raw), maximum) if raw else default

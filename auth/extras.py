"""What every request to `baseUrl`'s origin carries besides the credential: `customHeaders`
and the query string given in `baseUrl` (Port's Canny example puts its API key there).

Both are scoped like a credential: a next link or redirect to another origin gets neither.
Precedence, lowest first: baseUrl's query < the selector's and the paginator's parameters (a
name already on the request is kept); the client's defaults (User-Agent, Accept) <
customHeaders < the selector's headers; the auth scheme's own header is applied last.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator, Iterable, Mapping

import httpx

from auth.static import ScopedAuth


class ConnectionExtras(ScopedAuth):
    """Wraps the installation's auth, adding customHeaders and baseUrl's query first."""

    def __init__(
        self,
        inner: httpx.Auth,
        allowed_origins: Iterable[str],
        headers: Mapping[str, str],
        params: list[tuple[str, str]],
        client_defaults: Mapping[str, str],
    ) -> None:
        super().__init__(allowed_origins)
        self.inner = inner
        self._headers = dict(headers)
        self._params = params
        self._defaults = {name.lower(): value for name, value in client_defaults.items()}

    def apply(self, request: httpx.Request) -> None:
        for name, value in self._headers.items():
            current = request.headers.get(name)
            if current is None or current == self._defaults.get(name.lower()):
                request.headers[name] = value
        if self._params:
            present = {name for name, _ in request.url.params.multi_items()}
            missing: list[tuple[str, str | int | float | bool | None]] = [
                (name, value) for name, value in self._params if name not in present
            ]
            if missing:
                request.url = request.url.copy_merge_params(missing)

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        if self.in_scope(request):
            self.apply(request)
        yield from self.inner.sync_auth_flow(request)

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if self.in_scope(request):
            self.apply(request)
        flow = self.inner.async_auth_flow(request)
        outgoing = await flow.__anext__()
        while True:
            response = yield outgoing
            try:
                outgoing = await flow.asend(response)
            except StopAsyncIteration:
                return

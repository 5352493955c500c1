"""Outbound proxies from the environment (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY).

httpx reads these only for clients it builds its own transport for; ours passes an explicit
transport (retries, limiter), so without this module a pod behind a corporate proxy could not
reach the API. Each request is routed by its own URL, so a token endpoint or a next link on
another host follows NO_PROXY like everything else.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Callable

import httpx

NetworkFactory = Callable[[str | None], httpx.AsyncBaseTransport]


class EnvironmentProxyTransport(httpx.AsyncBaseTransport):
    """Sends each request directly or through the proxy the environment names for its URL."""

    def __init__(self, make_network: NetworkFactory) -> None:
        self._make_network = make_network
        self._proxies = {k: v for k, v in urllib.request.getproxies().items() if v}
        self._networks: dict[str | None, httpx.AsyncBaseTransport] = {}

    def proxy_for(self, url: httpx.URL) -> str | None:
        if not self._proxies or urllib.request.proxy_bypass(url.host):
            return None
        return self._proxies.get(url.scheme) or self._proxies.get("all")

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        proxy = self.proxy_for(request.url)
        if proxy not in self._networks:
            self._networks[proxy] = self._make_network(proxy)
        return await self._networks[proxy].handle_async_request(request)

    async def aclose(self) -> None:
        for network in self._networks.values():
            await network.aclose()

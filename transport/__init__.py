"""The transport stack under the httpx client (`stack.py`): retries honouring `Retry-After`
and rate-limit headers, the integration-wide concurrency / rate limiter, proxies from the
environment, TLS (extra trusted CAs, a client certificate presented only to the trusted
origins, TLS failures that name their setting: `tls.py`), the head of a body the caller
streams, and each attempt's deadline and body size cap (`deadline.py`). Token requests go
through it too, so it sits below `auth`.

May import: `core`.
"""

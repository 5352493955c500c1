"""The transport stack under the httpx client (`stack.py`): retries honouring `Retry-After`
and rate-limit headers, the integration-wide concurrency / rate limiter, proxies from the
environment, the head of a body the caller streams, and each attempt's deadline and body size
cap (`deadline.py`). Token requests go through it too, so it sits below `auth`.

May import: `core`.
"""

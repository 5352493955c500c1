"""Two facts about HTTP methods, each written once (RFC 9110 §9.2.1, §9.3).

- A *read* (`SAFE_METHODS`): a method the client may repeat without asking, because it
  changes nothing at the server: GET, HEAD, OPTIONS and TRACE (RFC 9110 §9.2.1). The retry
  transport retries these; an endpoint is retryable — retried, sent past the end of a list by
  the page window, fetched again to be read whole — when its method is one, unless the
  selector's `read_only` says otherwise. PUT and DELETE are idempotent (§9.2.2) but not
  safe, so they are not reads: like a POST, they are sent once unless the selector says
  `read_only: true` (docs/resilience.md).
- Sent without a body (`NO_BODY_METHODS`): GET and HEAD, whose content has no defined meaning
  (§9.3.1, §9.3.2) and which servers and proxies may refuse or drop. A selector `body` is not
  sent with them, and `paginationLocation: body` is refused for them.
"""

from __future__ import annotations

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
NO_BODY_METHODS = frozenset({"GET", "HEAD"})

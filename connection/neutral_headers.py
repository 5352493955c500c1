"""Which request headers carry no credential, written once.

Accept, Accept-Encoding, Accept-Language, Content-Type and User-Agent describe the request;
any other header may hold a secret (Authorization, X-Api-Key, a tenant token). So:

- the values of every other header of `customHeaders` and of a custom login's request or
  template are masked by value (`custom_headers.py`, `auth_config.py`), while these are not
  (masking `application/json` everywhere would garble every log line);
- only these follow a next link or a redirect to another origin
  (`fetching/request_sender.py`).
"""

from __future__ import annotations

NEUTRAL_HEADERS = frozenset(
    {"accept", "accept-encoding", "accept-language", "content-type", "user-agent"}
)

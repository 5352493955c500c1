"""Which answers are redirects, written once (RFC 9110 §15.4): 301, 302, 303, 307 and 308
send the client on to their `Location`. 300 (a choice for the user) and 304 (a cache answer)
are not followed, and 305/306 are obsolete.

The page loop follows these itself, re-scoping credentials per hop
(`fetching/request_sender.py`); a login answered with one is refused, naming the final URL to
configure, since following it would carry the credentials along (`auth/dynamic.py`).
"""

from __future__ import annotations

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

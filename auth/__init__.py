"""Authentication as small `httpx.Auth` objects: the static schemes scoped to the API's
origin (`static.py`), the token lifecycle of the types that log in at run time (`dynamic.py`),
custom login (`custom.py`), OAuth 2.0 client credentials (`oauth2.py`), and `build_auth`, the
one factory above them (`factory.py`).

May import: `transport`, `connection`, `core`.
"""

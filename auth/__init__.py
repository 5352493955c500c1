"""Authentication as small `httpx.Auth` objects: the static schemes scoped to the API's
origin (`static.py`), the token lifecycle of the types that log in at run time (`dynamic.py`),
custom login (`custom.py`), OAuth 2.0 client credentials with a secret or a signed assertion
(`oauth2.py`), the JWT bearer grant (`jwt_bearer.py`), GitHub App installation tokens
(`github_app.py`), the JWTs they sign (`signing.py`), and `build_auth`, the one factory above
them (`factory.py`).

May import: `transport`, `connection`, `core`.
"""

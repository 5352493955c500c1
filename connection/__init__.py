"""One installation's connection settings, typed and parsed once (`settings.py`), with the
typed login config of the dynamic auth types and its `{{.jq}}` templates, the key and certificate
settings (`key_auth.py`) and PEM values read however they arrive (`pem.py`), the pagination
settings as one type (`pagination_settings.py`) and the keys a resource may override, what each
pagination style can do (`pagination_styles.py`), the fields of one call declared once
(`call_fields.py`), which settings are secrets (`spec_file.py`, from `.port/spec.yaml`), which
headers carry no credential (`neutral_headers.py`), what one resource asks the client to fetch
(`endpoint.py`: its call and its resolved pagination) and joining a path to `baseUrl` (`urls.py`).

May import: `jq_paths`, `core`.
"""

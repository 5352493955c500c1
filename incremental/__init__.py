"""Incremental (changed-since) sync, on Ocean's own incremental mode (`selector.incremental`).

Owns the `selector.incremental` model and its load-time checks (`model.py`, `checks.py`), the
cursor written the way the API reads it (`cursor_format.py`), what an incremental run of one
resource requests (`run.py`), the client-side `cutoff` for newest-first APIs (`cutoff.py`), and
the registration of the mapping's incremental kinds with Ocean (`registration.py`).

May import: `connection`, `jq_paths`, `core`.
"""

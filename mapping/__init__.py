"""The port-app-config's load-time checks: errors that name the path, the bad value and the
fix (`config_errors.py`), mapping jq compiled when the mapping loads, a resource's own
`selector.pagination`, and the `selector.path_parameters` model.

May import: `responses`, `connection`, `selection`, `core`.
"""

"""The port-app-config's load-time checks: errors that name the path, the bad value and the
fix (`config_errors.py`), mapping jq compiled when the mapping loads, a resource's own
`selector.pagination`, a page size set in `query_params` (`query_page_size.py`), and the
`selector.path_parameters` model.

May import: `pages`, `connection`, `jq_paths`, `core`.
"""

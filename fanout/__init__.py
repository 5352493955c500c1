"""Templated kinds (`/tickets/{ticket_id}/comments`, `/issues?project=<discovered>`): discovering
each name's values (`discovery.py`), what is called with them (`plan.py`), the bounded merge of
concurrent streams (`stream_merge.py`), and one client run per combination (`engine.py`).

May import: `client` (the module), `selector_checks`, `connection`, `jq_paths`, `core`.
"""

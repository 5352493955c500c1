"""Templated kinds (`/tickets/{ticket_id}/comments`): discovering each placeholder's values
(`discovery.py`), the bounded merge of concurrent streams (`stream_merge.py`), and one client
run per combination (`engine.py`).

May import: `client` (the module), `mapping`, `connection`, `selection`, `core`.
"""

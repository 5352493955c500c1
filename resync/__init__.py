"""What `main.py` runs for Ocean besides the page loop: the discovery cache of the running
resync (`scope.py`), read-ahead that overlaps fetching with Ocean's mapping (`read_ahead.py`),
`ocean probe` (`probe.py`: each resource's first page, answered in seconds), and the shrink
guard (`shrink_guard.py`, `shrink_plan.py`, `port_holdings.py`: a blueprint that shrank too much
fails the resync, so Ocean deletes nothing), and each kind's progress, its summary and the
resync's (`kind_progress.py`).

May import: `fanout`, `client` and `integration` (the modules), `fetching`, `selector_checks`,
`connection`, `core`.
"""

"""The ground floor: the one exception tree (`errors.py`: why every failure must propagate
out of a resync), secret masking by value (`redaction.py`), and HTTP's rules every layer
applies alike: which methods are reads and which send no body (`http_methods.py`), which
statuses are redirects (`redirects.py`); operators' `OCEAN_CUSTOM_*` switches
(`switches.py`); the base of a selector's load-time problem (`config_problem.py`).

Imports nothing of the project; every other package builds its errors and log lines on it.
"""

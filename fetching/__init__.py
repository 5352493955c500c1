"""Sending an endpoint run's requests: the one HTTP client built from the settings
(`http_factory.py`), one request built, sent, followed through redirects, checked and decoded
(`request_sender.py`), parallel pages for offset/page styles (`page_window.py`), and a run's
counters and log lines (`endpoint_run.py`), and a kind's progress and summary lines
(`progress.py`). Only `client.py`, and the entry points that build
the client, use it.

May import: `pagination` (the module), `auth`, `transport`, `connection`, `core`.
"""

"""The ground floor: the one exception tree (`errors.py`: why every failure must propagate
out of a resync) and secret masking by value (`redaction.py`).

Imports nothing of the project; every other package builds its errors and log lines on it.
"""

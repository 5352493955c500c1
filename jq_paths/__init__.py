"""Reading values out of decoded JSON: jq compiled once and its selections read back
exactly as Python decoded them (`precise_jq.py`), what a plain path is (`plain_path.py`), and
the dot-notation / jq paths of the connection settings (`response_paths.py`).

May import: `core`.
"""

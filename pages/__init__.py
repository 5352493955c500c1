"""What a received page says, and whether to trust it: each response read once into a `Page`
(`page.py`, built by `page_reader.py`: decode, items, error verdict), the item list
(`data_path`), error bodies behind a 2xx (`error_when` and the common envelopes:
`error_envelope.py`), what says "more pages" or "last page" (`pagination_signals.py`) and
whether it ends the list (`stop_rules.py`), the API's total and repeated ids (completeness),
the guards that end pagination loudly, RFC 8288 Link headers, and one huge body streamed in
chunks.

May import: `connection`, `jq_paths`, `core`.
"""

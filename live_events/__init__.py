"""Live events: the API's webhooks applied to Port in seconds, on Ocean's own machinery.

Owns the signature schemes (`signatures.py`), the gate in front of Ocean's webhook route
(`gate.py`: size limit, signature, handshakes), `selector.live_events` with its load-time jq
checks (`selector.py`), the processor Ocean runs per delivery and resource (`processor.py`),
the refetch of an item (`refetch.py`), keeping deliveries that land during a resync of their
kind (`overlap.py`) and the start-up wiring and checks (`install.py`).

May import: `client.py`, `connection/`, `jq_paths/`, `core/`.
"""

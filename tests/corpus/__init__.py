"""Compatibility corpus: every configuration Port publishes for this integration, run unchanged.

`configs/<ID>-<name>/` holds verbatim copies from the page its README names, `fakes/<vendor>.py`
loopback fakes following each vendor's documented API, `kit.py` the loader and runner, and
`test_<ID>_<name>.py` one module per corpus page.
"""

from __future__ import annotations

import pytest

# The kit's assert_* helpers are plain asserts: let pytest explain their failures.
pytest.register_assert_rewrite("tests.corpus.kit")

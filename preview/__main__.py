"""`python -m preview ...` — the same as `ocean-custom preview ...`."""

from __future__ import annotations

import sys

from preview.cli import preview_main

sys.exit(preview_main())

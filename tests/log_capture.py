"""Capture every loguru line of a block, to assert on log output (and on secrets absent from it)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from loguru import logger


@contextmanager
def captured_logs() -> Iterator[list[str]]:
    lines: list[str] = []
    # As Ocean's own sinks (port_ocean/log/logger_setup.py): tracebacks without variable values.
    sink = logger.add(lambda message: lines.append(str(message)), level="DEBUG", diagnose=False)
    try:
        yield lines
    finally:
        logger.remove(sink)

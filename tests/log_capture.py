"""Capture every loguru line of a block, to assert on log output (and on secrets absent from it).

A capture that catches nothing would make "no secret in the log" pass without looking at a
single line. So the sink proves itself before the block runs: a probe line logged at DEBUG must
arrive (and is then taken out of the lines the test sees).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from loguru import logger

PROBE = "log capture: probe line"


@contextmanager
def captured_logs() -> Iterator[list[str]]:
    lines: list[str] = []
    # As Ocean's own sinks (port_ocean/log/logger_setup.py): tracebacks without variable values.
    sink = logger.add(lambda message: lines.append(str(message)), level="DEBUG", diagnose=False)
    try:
        logger.debug(PROBE)
        caught = [line for line in lines if PROBE in line]
        assert caught, "the log capture caught nothing: assertions on its lines would be vacuous"
        lines.remove(caught[0])
        yield lines
    finally:
        logger.remove(sink)

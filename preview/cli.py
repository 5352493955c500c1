"""Command line: `ocean-custom preview ...` (console script) or `python -m preview ...`.

Exit status: 0 when every resource fetched and mapped cleanly, 1 when any resource failed
(fetch error, or items that failed mapping), 2 for unusable input (settings, port-app-config,
arguments).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from loguru import logger

from core.errors import ConfigurationError
from core.redaction import Redactor
from preview.model import PreviewReport
from preview.recorder import Limits
from preview.render import Progress, redact_tree, render_report
from preview.runner import ROOT, run_preview
from preview.sources import read_mapping, read_settings

DEFAULT_MAPPING = ROOT / ".port" / "resources" / "port-app-config.yml"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    """`ocean-custom <command>`: the project's console script."""
    parser = argparse.ArgumentParser(prog="ocean-custom", description="Ocean Custom tools.")
    commands = parser.add_subparsers(dest="command", required=True)
    add_preview_arguments(commands.add_parser("preview", help=preview_help()))
    args = parser.parse_args(argv)
    return run(args)


def preview_main(argv: Sequence[str] | None = None) -> int:
    """`python -m preview ...`"""
    parser = argparse.ArgumentParser(prog="python -m preview", description=preview_help())
    add_preview_arguments(parser)
    return run(parser.parse_args(argv))


def preview_help() -> str:
    return (
        "Fetch each resource of a port-app-config with the integration's real code, map it "
        "with Ocean's own JQ mapping (Port mocked: no Port account needed) and show what Port "
        "would receive."
    )


def add_preview_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        help="port-app-config YAML (resources and mappings); "
        "default: .port/resources/port-app-config.yml",
    )
    parser.add_argument(
        "--settings",
        type=Path,
        help="connection settings: YAML (baseUrl: ...) or a .env file with "
        "OCEAN__INTEGRATION__CONFIG__* lines; overrides ./.env and the environment",
    )
    parser.add_argument(
        "--kind", action="append", help="preview only resources of this kind (repeatable)"
    )
    parser.add_argument("--max-pages", type=_count, default=10, help="per resource; 0: no limit")
    parser.add_argument("--max-items", type=_count, default=500, help="per resource; 0: no limit")
    parser.add_argument("--samples", type=_count, default=3, help="raw items/entities shown")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--no-progress", action="store_true", help="no live progress display")
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="also log to stderr (-vv: debug)"
    )
    parser.add_argument(
        "--incremental-since",
        type=_moment,
        metavar="TIMESTAMP",
        help="preview an incremental run whose cursor is TIMESTAMP (ISO 8601, e.g. "
        "2025-01-01T00:00:00Z; no zone: UTC): resources with selector.incremental ask for "
        "what changed since then, the others are not fetched (docs/incremental.md)",
    )


def run(args: argparse.Namespace) -> int:
    logger.remove()  # Ocean logs a lot at INFO: the report is the output (-v shows logs)
    try:
        inputs = read_settings(args.settings, os.environ, ROOT)
        mapping_path = args.config or DEFAULT_MAPPING
        if not mapping_path.is_file():
            raise ConfigurationError(
                f"port-app-config {mapping_path} not found: pass --config FILE.yml"
            )
        port_app_config = read_mapping(mapping_path, args.kind)
    except ConfigurationError as error:
        print(f"ocean-custom preview: {error}", file=sys.stderr)
        return EXIT_USAGE
    redact = Redactor(inputs.settings.secrets)
    _log_to_stderr(args.verbose, redact)
    limits = Limits(args.max_pages, args.max_items, args.samples)
    show_progress = not (args.json or args.no_progress or args.verbose) and sys.stderr.isatty()
    try:
        with Progress(enabled=show_progress, max_items=args.max_items) as progress:
            since = args.incremental_since
            run = run_preview(inputs, port_app_config, limits, progress, incremental_since=since)
            report = asyncio.run(run)
    except ConfigurationError as error:  # e.g. raised by main.py as Ocean starts it
        print(f"ocean-custom preview: {redact(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    data = redact_tree(report.to_json(), redact)
    if args.json:
        print(json.dumps(data, indent=2, default=str))
    else:
        render_report(data, args.samples)
    return _exit_status(report)


def _exit_status(report: PreviewReport) -> int:
    return EXIT_OK if report.ok else EXIT_FAILED


def _log_to_stderr(verbosity: int, redact: Redactor) -> None:
    """-v: the integration's and Ocean's log on stderr, secrets masked in every line and
    traceback (no variable values in tracebacks: they would show the settings)."""
    if verbosity:
        level = "DEBUG" if verbosity > 1 else "INFO"

        def write(message: Any) -> None:
            sys.stderr.write(redact(str(message)))

        logger.add(write, level=level, diagnose=False, backtrace=False, colorize=False)


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 timestamp, e.g. 2025-01-01T00:00:00Z"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


if __name__ == "__main__":  # bin/ocean-custom runs this module
    sys.exit(main())

"""`ocean probe`: is the API reachable, are the credentials accepted, and does each resource's
first page load — answered in seconds, not minutes.

The checks use a client of their own with a short retry budget (one retry, waits of at most
5 s, a 10 s timeout), so a dead host fails fast instead of going through the resync's
retries; the installation's client is left alone. Credentials are exercised for real: the
first request runs the same auth flow as a resync, token calls included.

Which resources: `ocean probe` hands the handler no mapping (it lives in Port). When Port
asked for the probe (`--reporting-mode port`), the mapping is read from Port; locally, from
the file named by OCEAN_CUSTOM_PROBE_MAPPING; otherwise only the base URL and the
credentials are checked, and the report says so.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import yaml
from loguru import logger
from port_ocean.core.probe import ProbeCheck, ProbeCheckStatus, ProbeContext
from pydantic.v1 import ValidationError

from client import ApiClient
from connection.endpoint import Endpoint
from connection.pagination_settings import PaginationSettings
from connection.settings import ConnectionSettings
from core.errors import ConfigurationError, FetchError, OceanCustomError, PageCapReached
from core.redaction import Redactor
from fanout.plan import discoveries_of
from fetching.http_factory import build_http_client
from integration import EndpointPortAppConfig, EndpointResourceConfig

MAPPING_ENV = "OCEAN_CUSTOM_PROBE_MAPPING"
PROBE_RETRIES, PROBE_MAX_WAIT, PROBE_TIMEOUT = 1, 5.0, 10.0
PORT_MAPPING_TIMEOUT = 15.0
CONNECTION = "connection"  # the check name of the base URL and credentials


@dataclass(frozen=True)
class Check:
    name: str  # "connection", or the kind (and discovery) checked
    ok: bool
    message: str


def probe_settings(settings: ConnectionSettings) -> ConnectionSettings:
    """The installation's settings with the probe's short budget (and one page at most)."""
    return settings.model_copy(
        update={
            "max_retries": min(settings.max_retries, PROBE_RETRIES),
            "max_retry_wait": min(settings.max_retry_wait, PROBE_MAX_WAIT),
            "timeout": min(settings.timeout, PROBE_TIMEOUT),
            "pagination": probe_pagination(settings.pagination),
        }
    )


def probe_pagination(pagination: PaginationSettings) -> PaginationSettings:
    """One page at most: the probe loads the first page of each endpoint."""
    return pagination.model_copy(update={"max_pages": 1})


async def run_checks(
    settings: ConnectionSettings,
    redact: Redactor,
    resources: list[EndpointResourceConfig] | None,
    *,
    inside_ocean: bool = True,
) -> list[Check]:
    short = probe_settings(settings)
    http = build_http_client(short, redact, inside_ocean=inside_ocean)
    try:
        first = await check_base_url(http, short, redact)
        if not first.ok or not resources:
            return [first]
        api = ApiClient(http, short, redact)
        targets = [target for resource in resources for target in targets_of(resource, short)]
        checks = await asyncio.gather(*(check_first_page(api, *target) for target in targets))
        return [first, *checks]
    finally:
        await http.aclose()


async def check_base_url(
    http: httpx.AsyncClient, settings: ConnectionSettings, redact: Redactor
) -> Check:
    """Reachable: any HTTP answer. Credentials: refused on 401 (a token call that fails
    raises from the auth flow); otherwise the resource checks prove them."""
    url = redact(settings.base_url)
    try:
        response = await http.get(settings.base_url)
    except OceanCustomError as error:
        return Check(CONNECTION, False, f"{url}: {redact(str(error))}")
    except httpx.HTTPError as error:
        detail = redact(str(error)) or "no detail"
        return Check(CONNECTION, False, f"{url} unreachable: {type(error).__name__}: {detail}")
    if response.status_code == 401:
        return Check(
            CONNECTION,
            False,
            f"{url} answered 401: the credentials were rejected. Check authType and its secret",
        )
    status = response.status_code
    if response.is_success:
        return Check(CONNECTION, True, f"{url} reachable, credentials accepted ({status})")
    return Check(CONNECTION, True, f"{url} reachable (answered {status}, which proves no more)")


def targets_of(
    resource: EndpointResourceConfig, settings: ConnectionSettings
) -> list[tuple[str, Endpoint]]:
    """What to fetch for a resource: its endpoint, or for a {templated} kind the discovery
    endpoints that need no other value (the kind itself needs discovered values)."""
    endpoint, selector = resource.endpoint(settings), resource.selector
    if not (selector.path_parameters or selector.dynamic_query_params):
        # its own pagination (selector.pagination): the probe's budget still holds
        endpoint = replace(endpoint, pagination=probe_pagination(endpoint.pagination))
        return [(resource.kind, endpoint)]
    found = discoveries_of(
        endpoint,
        selector.path_parameters,
        selector.dynamic_query_params,
        pagination=settings.pagination,
    )
    return [
        (f"{resource.kind} ({discovery.key})", discovery.endpoint(settings.base_url, {}))
        for discovery in found.values()
        if not discovery.depends_on
    ]


async def check_first_page(api: ApiClient, name: str, endpoint: Endpoint) -> Check:
    """Load the first page (the probe's settings cap the run at one page). A pagination stop
    that is uncertain — a configured cursor, link or flag that matched nothing — is reported
    in the check's message, so a typo in cursorPath shows before the first sync."""
    uncertain: list[str] = []

    def note_uncertain(message: Any) -> None:
        extra = message.record["extra"]
        run = extra.get("endpoint_run") or {}
        if extra.get("probe_check") == name and run.get("uncertain"):
            uncertain.append(str(run.get("stop_reason")))

    sink = logger.add(note_uncertain, level="DEBUG", filter=lambda r: "endpoint_run" in r["extra"])
    counted = [0]
    try:
        with logger.contextualize(probe_check=name):
            async for items in api.iter_items(endpoint):
                counted[0] += len(items)
        return _first_page_check(name, counted[0], uncertain)
    except PageCapReached:  # the one-page cap: the first page announced more
        loaded = f"{counted[0]} items" if counted[0] else "no items"
        return Check(name, True, f"first page loaded: {loaded}, more pages announced")
    except OceanCustomError as error:  # messages are redacted where they are built
        return Check(name, False, str(error))
    finally:
        logger.remove(sink)


def _first_page_check(name: str, count: int, uncertain: list[str]) -> Check:
    loaded = f"first page loaded: {count} items" if count else "first page loaded: no items"
    if uncertain:
        return Check(name, True, f"{loaded}; WARNING, uncertain pagination stop: {uncertain[0]}")
    return Check(name, True, loaded if count else f"{loaded} (an empty endpoint?)")


async def probe_resources(reporting_mode: str) -> tuple[list[EndpointResourceConfig] | None, str]:
    """The resources to check, and a note saying where they came from."""
    path = os.environ.get(MAPPING_ENV, "").strip()
    if path:
        return _resources_from_file(Path(path)), f"resources from {path}"
    if reporting_mode == "port":
        try:
            config = await asyncio.wait_for(_mapping_from_port(), PORT_MAPPING_TIMEOUT)
        except ValidationError as error:  # Port holds a mapping the resync would reject
            raise ConfigurationError(f"the mapping in Port is invalid: {error}") from None
        except Exception as error:  # noqa: BLE001 - any failure downgrades to the base checks
            reason = f"{type(error).__name__}: {error}"
            logger.warning(f"Probe: could not read the mapping from Port: {reason}")
            return None, "resources not checked: the mapping could not be read from Port"
        return list(config.resources), "resources from the mapping in Port"
    return None, (
        f"resources not checked: a local probe has no mapping; set {MAPPING_ENV} to a "
        "port-app-config file to check each resource's first page"
    )


def _resources_from_file(path: Path) -> list[EndpointResourceConfig]:
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        return list(EndpointPortAppConfig.parse_obj(raw).resources)
    except (OSError, yaml.YAMLError) as error:
        raise ConfigurationError(f"{MAPPING_ENV}={path}: cannot read it: {error}") from None
    except ValidationError as error:
        raise ConfigurationError(f"{MAPPING_ENV}={path}: {error}") from None


async def _mapping_from_port() -> EndpointPortAppConfig:
    from port_ocean.context.ocean import ocean

    # The probe does not initialise Ocean's handlers; this is the handler a resync would use.
    handler = ocean.integration.AppConfigHandlerClass(ocean)
    config = await handler.get_port_app_config(use_cache=False)
    # Ocean loads integration.py by path, so its config class is a twin of ours: re-read it.
    return EndpointPortAppConfig.parse_obj(config.to_request())


async def run_probe(
    context: ProbeContext, settings: ConnectionSettings, redact: Redactor
) -> ProbeContext:
    """The `@ocean.on_probe()` handler's work: checks reported to the context (and so to the
    log, a file or Port); any failure raises, which is what makes `ocean probe` exit 1."""
    resources, note = await probe_resources(str(context.config.reporting_mode))
    checks = await run_checks(settings, redact, resources)
    for check in checks:
        status = ProbeCheckStatus.SUCCESS if check.ok else ProbeCheckStatus.FAILURE
        context.checks.append(ProbeCheck(kind=check.name, status=status, message=check.message))
    await context.update_progress()
    ok, text = summary(checks, note)
    if not ok:
        raise FetchError(text)
    logger.info(text)
    return context


def summary(checks: list[Check], note: str) -> tuple[bool, str]:
    failed = [check for check in checks if not check.ok]
    lines = [f"{'ok' if c.ok else 'FAILED'} {c.name}: {c.message}" for c in checks]
    verdict = f"{len(failed)} of {len(checks)} checks failed" if failed else "all checks passed"
    return not failed, f"Connection probe: {verdict}; {note}\n  " + "\n  ".join(lines)

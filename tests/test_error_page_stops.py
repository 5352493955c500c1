"""Issue 19, parts 2-3, through real Ocean: an error page is not the last page, and a data_path
that finds nothing is not "done — 0 items".

The API is served the way AWS API Gateway serves a Lambda custom integration: a failed
invocation is answered `200 OK` by default, its body Lambda's error object `{"errorMessage",
"errorType", "stackTrace"}`
(https://docs.aws.amazon.com/apigateway/latest/developerguide/handle-errors-in-lambda-integration.html,
https://docs.aws.amazon.com/lambda/latest/api/API_ErrorObject.html), or the error JSON the
function returns itself. Good pages: `{"items": [...], "hasMore": true}`, 20 orders a page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from preview.recorder import Limits
from preview.runner import run_preview
from preview.sources import read_mapping, read_settings
from sample_api.server import FakeApi, Received, Reply
from tests.conftest import ROOT
from tests.log_capture import captured_logs
from tests.ocean_run import entity, mapping, resource, run_resync
from tests.preview_kit import TOKEN, port_resource, serve_items, write_inputs

SIZE, PAGES = 20, 5
ORDERS = [{"id": n, "name": f"order-{n}"} for n in range(SIZE * PAGES)]
IN_PORT = [entity(str(order["id"]), "order") for order in ORDERS]
LAMBDA_ERROR = {
    "errorMessage": "2026-12-05T05:00:00.000Z 7f1c Task timed out after 3.00 seconds",
    "errorType": "Runtime.ExitError",
    "stackTrace": ['  File "/var/task/handler.py", line 12, in handler'],
}
OWN_ERROR = {"status": "FAILED", "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"}


def lambda_pages(api: FakeApi, failing: int | None, error: Any = None) -> None:
    def handle(request: Received) -> Reply:
        number = int(request.query["page"])
        if number == failing:
            return Reply(200, error)
        chunk = ORDERS[(number - 1) * SIZE : number * SIZE]
        return Reply(200, {"items": chunk, "hasMore": number < PAGES})

    api.route("GET", "/prod/orders", handle)


def config(api: FakeApi) -> dict[str, Any]:
    return {
        "base_url": api.url + "/prod",
        "pagination_type": "page",
        "page_size": str(SIZE),
        "has_more_path": "hasMore",
        "max_retries": "0",
    }


def orders(data_path: str = ".items") -> dict[str, Any]:
    return mapping(resource("/orders", blueprint="order", data_path=data_path))


def upserted(result: Any) -> list[int]:
    return sorted(int(e["identifier"]) for e in result.upserted_entities)


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (LAMBDA_ERROR, "the API says: 2026-12-05T05:00:00.000Z 7f1c Task timed out"),
        (OWN_ERROR, "found no value (absent or null; response keys: status, requestId)"),
    ],
    ids=["lambda-error-object", "function-error-json"],
)
@pytest.mark.parametrize("seeded", [True, False], ids=["port-seeded", "first-install"])
async def test_an_error_object_on_page_4_of_5_fails_the_resync_and_deletes_nothing(
    api: FakeApi, error: dict[str, Any], said: str, seeded: bool
) -> None:
    lambda_pages(api, failing=4, error=error)
    result = await run_resync(config(api), orders(), IN_PORT if seeded else None)

    assert result.deleted_entities == []
    assert upserted(result) == list(range(3 * SIZE))  # pages 1-3 (page 5 may be read ahead)
    assert {"1", "2", "3", "4"} <= {r.query["page"] for r in api.requests_to("/prod/orders")}
    (failure,) = result.errors
    message = str(failure)
    assert "[/orders] GET" in message and "/prod/orders?page=4&size=20 (page 4)" in message
    assert "data_path '.items'" in message and said in message


async def test_the_same_api_without_the_error_completes_and_deletes_the_stale(
    api: FakeApi,
) -> None:
    """The control: the seeded Port and the good pages alone complete, and Ocean deletes."""
    lambda_pages(api, failing=None)
    result = await run_resync(config(api), orders(), [*IN_PORT, entity("gone", "order")])
    assert result.errors == [] and upserted(result) == list(range(SIZE * PAGES))
    assert [e["identifier"] for e in result.deleted_entities] == ["gone"]


async def test_a_data_path_typo_on_a_first_install_fails_naming_data_path_and_the_keys(
    api: FakeApi,
) -> None:
    lambda_pages(api, failing=None)
    with captured_logs() as logs:
        result = await run_resync(config(api), orders(data_path=".dta"))  # nothing seeded

    assert result.upserted_entities == [] and result.deleted_entities == []
    (failure,) = result.errors
    message = str(failure)
    assert "(page 1): data_path '.dta' found no value (absent or null;" in message
    assert "response keys: items, hasMore" in message and ".items // []" in message
    assert not [line for line in logs if "done — 0 items" in line]  # no "finished" line


async def test_the_preview_of_a_data_path_typo_is_not_ok(api: FakeApi, tmp_path: Path) -> None:
    serve_items(api)  # three pages of `items`, a next link on each but the last
    settings, config_file = write_inputs(tmp_path, api, port_resource("/items", ".dta"))
    inputs = read_settings(settings, {}, ROOT)
    report = await run_preview(inputs, read_mapping(config_file), Limits(samples=3))

    assert not report.ok
    (resource_report,) = report.resources
    assert resource_report.status == "failed" and resource_report.error is not None
    assert "data_path '.dta' found no value" in resource_report.error
    assert "response keys: items, next" in resource_report.error
    assert TOKEN not in resource_report.error

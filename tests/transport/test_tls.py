"""`verifySsl` is really applied: a self-signed HTTPS API on 127.0.0.1, through real Ocean."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sample_api.server import FakeApi, Reply
from tests.ocean_run import entity, mapping, resource, run_resync
from tests.transport.tls import self_signed_context


@pytest.fixture
def https_api(tmp_path: Path) -> Iterator[FakeApi]:
    with FakeApi(tls=self_signed_context(tmp_path)) as server:
        server.route("GET", "/things", lambda _r: Reply(json_body=[{"id": 1, "name": "one"}]))
        yield server


THINGS = mapping(resource("/things"))


async def test_self_signed_certificate_is_rejected_by_default(https_api: FakeApi) -> None:
    assert https_api.url.startswith("https://")
    result = await run_resync(
        {"base_url": https_api.url, "max_retries": "0"}, THINGS, [entity("stale")]
    )
    assert result.deleted_entities == [] and result.upserted_entities == []
    assert "CERTIFICATE_VERIFY_FAILED" in str(result.errors[0]) or "certificate" in str(
        result.errors[0]
    )


async def test_verify_ssl_false_accepts_it(https_api: FakeApi) -> None:
    result = await run_resync({"base_url": https_api.url, "verify_ssl": "false"}, THINGS)
    assert result.errors == []
    assert [e["identifier"] for e in result.upserted_entities] == ["1"]

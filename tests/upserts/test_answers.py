"""Port's answers and Ocean's accepted list, read (pure): what counts as refused, Port's words.

Answer shapes from Port's API reference (https://docs.port.io/api-reference/create-multiple-entities)
and Ocean's `BulkUpsertResponse` / `EntityBulkError`.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from port_ocean.core.models import Entity

from upserts.answers import PortAnswer, Refusal, refusals_in
from upserts.applier import _not_accepted
from upserts.check import describe
from upserts.ledger import KEPT_ANSWERS, Ledger, record_batch

PORT = "http://port.invalid/v1/blueprints/service/entities"
DOWN = {"ok": False, "error": "internal_error", "message": "try again later"}


def answer(status: int, body: Any, url: str = PORT + "/bulk", sent: int = 2) -> httpx.Response:
    entities = [{"identifier": f"s{n}", "blueprint": "service"} for n in range(sent)]
    request = httpx.Request("POST", url, json={"entities": entities} if "bulk" in url else {})
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.Response(status, content=content, request=request)


def test_a_failed_bulk_request_refuses_every_entity_it_carried() -> None:
    assert refusals_in(answer(500, DOWN, sent=20)) == [
        Refusal("service", 20, PortAnswer(500, "internal_error: try again later"))
    ]


def test_a_multi_status_answer_refuses_the_entities_it_lists() -> None:
    body = {
        "ok": True,
        "entities": [{"index": 0, "identifier": "s0", "created": True}],
        "errors": [
            {"index": 1, "identifier": "s1", "statusCode": 422, "error": "invalid", "message": "m"}
        ],
    }
    assert refusals_in(answer(207, body)) == [Refusal("service", 1, PortAnswer(422, "invalid: m"))]
    assert refusals_in(answer(200, {**body, "errors": []})) == []


def test_a_413_is_not_a_refusal_and_a_single_upsert_refuses_one() -> None:
    assert refusals_in(answer(413, DOWN)) == []  # Ocean sends them one by one next
    single = refusals_in(answer(404, {"ok": False, "error": "not_found"}, url=PORT))
    assert single == [Refusal("service", 1, PortAnswer(404, "not_found"))]
    assert refusals_in(answer(200, {"ok": True}, url=PORT)) == []


def test_other_requests_and_bodies_that_are_not_json() -> None:
    assert refusals_in(answer(500, DOWN, url="http://port.invalid/v1/entities/search")) == []
    delete = "http://port.invalid/v1/blueprints/service/bulk/entities/delete"
    assert refusals_in(answer(500, DOWN, url=delete)) == []
    gateway = refusals_in(answer(502, b"<html>Bad Gateway</html>"))
    assert gateway == [Refusal("service", 2, PortAnswer(502, "<html>Bad Gateway</html>"))]


def entity(identifier: Any, blueprint: str = "service") -> Entity:
    return Entity(identifier=identifier, blueprint=blueprint, icon=None, title=None)


def test_not_accepted_matches_plain_identifiers_and_counts_search_identifiers() -> None:
    search = {"combinator": "and", "rules": []}
    sent = [entity("a"), entity("b"), entity(search), entity(search), entity("a", "team")]
    accepted = [entity("a"), entity("resolved-1"), entity("a", "team")]
    refused = _not_accepted(sent, accepted)
    assert [(e.blueprint, e.identifier) for e in refused] == [
        ("service", "b"),
        ("service", search),
    ]


def test_a_number_identifier_accepted_as_text_or_number_is_not_refused() -> None:
    # Mappings without `| tostring` send numbers; Port may answer with them as text.
    sent = [entity(1), entity(5), entity(7)]
    refused = _not_accepted(sent, [entity("1"), entity(5)])
    assert [e.identifier for e in refused] == [7]


def test_the_larger_view_counts_and_few_words_are_kept() -> None:
    ledger = Ledger()
    # Ocean took all 3 as accepted, but Port's answers refused 2 (error answers after a 413).
    heard = [Refusal("service", 1, PortAnswer(500, f"boom {n}")) for n in range(2)]
    record_batch(ledger, 0, {"service": 3}, {}, heard)
    assert ledger.refused_by(0)["service"].refused == 2
    many = [Refusal("service", 1, PortAnswer(422, f"bad {n}")) for n in range(5)]
    record_batch(ledger, 0, {"service": 5}, {"service": [f"s{n}" for n in range(5)]}, many)
    record = ledger.refused_by(0)["service"]
    assert (record.sent, record.refused) == (8, 7)
    assert len(record.answers) == KEPT_ANSWERS and record.unquoted == 4
    text = describe("resource #0", ledger.refused_by(0), lambda words: words)
    assert (
        "7 of the 8 entities of blueprint 'service' sent to Port (e.g. s0, s1, s2, s3, s4)" in text
    )
    assert "HTTP 500 for 1 entity: boom 0" in text and "other answers for 4 entities" in text
    assert ledger.refused_by(1) == {}

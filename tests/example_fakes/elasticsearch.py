"""Elasticsearch search API: two indices read with `search_after`, the last hit's `sort` array.

Documented behaviour followed here:
- Paginate search results —
  https://www.elastic.co/docs/reference/elasticsearch/rest-apis/paginate-search-results :
  `search_after` takes "a set of sort values from the previous page": each hit carries a
  `sort` array (a date as epoch milliseconds, a keyword as a string), and the next request
  repeats the query and `sort` with `"search_after": <the last hit's sort>` in the body; the
  sort needs a unique tiebreaker. A page past the last hit is empty.
- Search API — https://www.elastic.co/docs/api/doc/elasticsearch/operation/operation-search :
  `POST /{index}/_search` with a JSON body (`query`, `size` default 10, `sort`,
  `search_after`, `_source`); the response is `{"took", "timed_out", "_shards", "hits":
  {"total": {"value", "relation"}, "max_score", "hits": [{"_index", "_id", "_score",
  "_source", "sort"}]}}`. `search_after` is a body field only: a query-string parameter the
  endpoint does not know is a 400 `illegal_argument_exception` ("contains unrecognized
  parameter"). `search_after` with a different number of values than `sort` is a 400.
- Authentication — https://www.elastic.co/docs/api/doc/elasticsearch/authentication :
  `Authorization: ApiKey <encoded>`; without valid credentials a 401 `security_exception`
  with a `WWW-Authenticate` header.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sample_api.server import FakeApi, Handler, Received, Reply
from tests.example_fakes import Expected, requires

API_KEY = "UkVQTEFDRV9NRTpSRVBMQUNFX01FXzAwMDAwMDAwMDAwMDAwMDAwMDAw"
AUTHORIZATION = f"ApiKey {API_KEY}"
REASON = "unable to authenticate with provided credentials and anonymous access is not allowed"
CHALLENGE = {"WWW-Authenticate": ['Basic realm="security", charset="UTF-8"', "ApiKey"]}
DENIED = Reply(
    401,
    {
        "error": {
            "root_cause": [{"type": "security_exception", "reason": REASON, "header": CHALLENGE}],
            "type": "security_exception",
            "reason": REASON,
            "header": CHALLENGE,
        },
        "status": 401,
    },
    headers={"WWW-Authenticate": 'ApiKey, Basic realm="security", charset="UTF-8"'},
)
# Query-string parameters of the search API that this fake reads or tolerates.
KNOWN_PARAMS = {"size", "from", "track_total_hits", "filter_path", "pretty"}
SERVICES: list[dict[str, Any]] = [
    {
        "service_id": f"svc-{n:04d}",
        "name": f"Service {n}",
        "team": f"team-{n % 12}",
        "tier": 1 + n % 3,
        "repository_url": f"https://github.com/my-org/svc-{n:04d}",
        "owner_email": f"owner{n}@example.com",
    }
    for n in range(734)
]
DEPLOYMENTS: list[dict[str, Any]] = [
    {
        # Deployments share timestamps in pairs: the tiebreaker decides their order.
        "@timestamp": f"2024-05-{1 + n // 100 % 28:02d}T{n // 2 % 24:02d}:00:00.000Z",
        "deployment_id": f"dep-{n:05d}",
        "service_id": SERVICES[n % len(SERVICES)]["service_id"],
        "environment": "staging" if n % 3 == 0 else "production",
        "version": f"1.{n % 40}.{n % 7}",
        "status": ["succeeded", "succeeded", "failed", "rolled_back"][n % 4],
    }
    for n in range(1500)
]
INDICES = {"services": SERVICES, "deployments": DEPLOYMENTS}


def bad_request(kind: str, reason: str) -> Reply:
    cause = {"type": kind, "reason": reason}
    return Reply(400, {"error": {"root_cause": [cause], **cause}, "status": 400})


def sort_value(document: dict[str, Any], field: str) -> Any:
    value = document[field]
    if field == "@timestamp":  # a date sorts, and is returned, as epoch milliseconds
        return int(datetime.fromisoformat(value).astimezone(UTC).timestamp() * 1000)
    return value


def search(index: str) -> Handler:
    def handler(request: Received) -> Reply:
        if unknown := sorted(set(request.query) - KNOWN_PARAMS):
            return bad_request(
                "illegal_argument_exception",
                f"request [/{index}/_search] contains unrecognized parameter: [{unknown[0]}]",
            )
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return bad_request("parsing_exception", "request body is not valid JSON")
        return respond(index, body)

    return handler


def respond(index: str, body: dict[str, Any]) -> Reply:
    fields = [next(iter(key)) if isinstance(key, dict) else key for key in body.get("sort", [])]
    if "search_after" in body and not isinstance(body["search_after"], list):
        return bad_request("x_content_parse_exception", "[search_after] expected an array")
    after = body.get("search_after")
    size = body.get("size", 10)
    if not isinstance(size, int) or isinstance(size, bool):
        return bad_request("x_content_parse_exception", f"[size] expected a number, got {size!r}")
    if after is not None and (not isinstance(after, list) or len(after) != len(fields)):
        return bad_request(
            "illegal_argument_exception",
            f"search_after has {len(after) if isinstance(after, list) else 1} value(s) but "
            f"sort has {len(fields)}.",
        )
    documents = [d for d in INDICES[index] if matches(d, body.get("query", {"match_all": {}}))]
    keyed = sorted(
        ((tuple(sort_value(d, f) for f in fields), d) for d in documents), key=lambda kd: kd[0]
    )
    if after is not None:
        keyed = [(key, d) for key, d in keyed if key > tuple(after)]
    source = body.get("_source")
    hits = [
        {
            "_index": index,
            "_id": f"{index}-{key[-1]}",
            "_score": None,
            "_source": {k: v for k, v in d.items() if source is None or k in source},
            "sort": list(key),
        }
        for key, d in keyed[:size]
    ]
    return Reply(
        json_body={
            "took": 3,
            "timed_out": False,
            "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
            "hits": {
                "total": {"value": len(documents), "relation": "eq"},
                "max_score": None,
                "hits": hits,
            },
        }
    )


def matches(document: dict[str, Any], query: dict[str, Any]) -> bool:
    if "term" in query:
        ((field, value),) = query["term"].items()
        return bool(document.get(field) == value)
    return "match_all" in query


def install(api: FakeApi) -> Expected:
    authenticated = requires("Authorization", AUTHORIZATION, DENIED)
    for index in INDICES:
        api.route("POST", f"/{index}/_search", authenticated(search(index)))
    production = [d for d in DEPLOYMENTS if d["environment"] == "production"]
    return Expected(
        entities={
            "esService": {s["service_id"] for s in SERVICES},
            "esDeployment": {d["deployment_id"] for d in production},
        },
        auth_header="authorization",
        auth_value=AUTHORIZATION,
        # 734 services at size=500: 500, 234, then an empty page; 1000 production
        # deployments: 500, 500, then an empty page.
        requests=3 + 3,
    )

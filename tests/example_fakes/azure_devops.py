"""Azure DevOps Services REST API: an organization's projects, paged by a continuation token
that arrives in a response header.

Documented behaviour followed here:
- Projects - List — https://learn.microsoft.com/en-us/rest/api/azure/devops/core/projects/list
  (view=azure-devops-rest-7.1):
  `GET https://dev.azure.com/{organization}/_apis/projects?api-version=7.1` with `stateFilter`,
  `$top`, `$skip` and `continuationToken`; the body is `{"count": <items on this page>,
  "value": [TeamProjectReference]}` (`id`, `name`, `description`, `url`, `state`,
  `revision`, `visibility`, `lastUpdateTime`).
- Continuation tokens — the same page: when more projects exist, the response carries an
  `x-ms-continuationtoken` header, sent back as `?continuationToken=`; the last page has none.
  The token lives in the header only: nothing in the body says "more".
- API versioning —
  https://learn.microsoft.com/en-us/azure/devops/integrate/concepts/rest-api-versioning :
  every request names `api-version`; without it a 400 `VssVersionNotSpecifiedException`.
- Personal access tokens — https://learn.microsoft.com/en-us/azure/devops/organizations/
  accounts/use-personal-access-tokens-to-authenticate :
  HTTP basic auth with the PAT as the password and the user name empty ("prepend a colon to
  the PAT, then Base64"); any user name is accepted beside the PAT. A missing or bad
  credential is a 401.
"""

from __future__ import annotations

from base64 import b64decode, b64encode
from typing import Any

from sample_api.server import FakeApi, Received, Reply
from tests.example_fakes import Expected

PAT = "REPLACE_ME_azure_devops_pat_00000000000000000000000000"
BASIC = "Basic " + b64encode(f":{PAT}".encode()).decode()
ORGANIZATION = "your-organization"
PROJECTS_PATH = f"/{ORGANIZATION}/_apis/projects"
DENIED = Reply(
    401,
    body=b"<html><head><title>Access Denied</title></head><body>401 - Unauthorized</body></html>",
    headers={"Content-Type": "text/html; charset=utf-8", "WWW-Authenticate": 'Basic realm=""'},
)
STATES = ["wellFormed"] * 6 + ["createPending", "deleting"]
PROJECTS: list[dict[str, Any]] = [
    {
        "id": f"{n:08x}-b535-4f16-9323-bd0f63c38163",
        "name": f"Project {n}",
        **({} if n % 4 == 0 else {"description": f"Everything about product {n}"}),
        "url": f"https://dev.azure.com/{ORGANIZATION}/_apis/projects/{n:08x}-b535-4f16-9323-bd0f63c38163",
        "state": STATES[n % len(STATES)],
        "revision": 414360000 + n,
        "visibility": "public" if n % 5 == 0 else "private",
        "lastUpdateTime": f"2024-0{1 + n % 9}-07T20:19:09.47Z",
    }
    for n in range(247)
]


def authenticated(request: Received) -> bool:
    """Basic auth whose password is the PAT, whatever the user name."""
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        _user, _, password = b64decode(encoded).decode().partition(":")
    except ValueError:
        return False
    return password == PAT


def version_missing() -> Reply:
    return Reply(
        400,
        {
            "$id": "1",
            "innerException": None,
            "message": (
                'No api-version was supplied for the "GET" request. An api-version is required.'
            ),
            "typeName": "Microsoft.VisualStudio.Services.WebApi.VssVersionNotSpecifiedException",
            "typeKey": "VssVersionNotSpecifiedException",
            "errorCode": 0,
            "eventId": 3000,
        },
    )


def list_projects(request: Received) -> Reply:
    if not authenticated(request):
        return DENIED
    if "api-version" not in request.query:
        return version_missing()
    wanted = request.query.get("stateFilter", "wellFormed")
    projects = [p for p in PROJECTS if wanted == "all" or p["state"] == wanted]
    top = int(request.query.get("$top", "100"))
    start = int(request.query.get("continuationToken", "0"))
    value = projects[start : start + top]
    headers = {}
    if start + top < len(projects):
        headers["x-ms-continuationtoken"] = str(start + top)
    return Reply(json_body={"count": len(value), "value": value}, headers=headers)


def install(api: FakeApi) -> Expected:
    api.route("GET", PROJECTS_PATH, list_projects)
    well_formed = [p for p in PROJECTS if p["state"] == "wellFormed"]
    return Expected(
        entities={"azureDevopsProject": {p["id"] for p in well_formed}},
        auth_header="authorization",
        auth_value=BASIC,
        requests=2,  # 247 projects, 186 of them wellFormed, at $top=100
    )

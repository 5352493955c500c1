"""The one pass over a page: response in, `Page` out (`pages/page.py`), judged on the way.

Per endpoint run, `PageReader.read` takes each response's body once:
1. `decode`: the one `json.loads` (or None for no content);
2. `data_path` finds the items (`pages/data_path.py`), jq reading the text as received;
3. the error verdict, once: `error_when`, then the common error shapes
   (`pages/error_body.py` `check_page_body`), then the list's presence against the run's
   earlier pages (`pages/list_presence.py`);
and hands back the page. The page loop and the streamed path (`pages/streaming.py`, for a
body short enough, or not streamable, read whole) both get their pages here; a page whose items
were streamed is `PageReader.streamed`. Nothing downstream re-reads the response.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from connection.endpoint import Endpoint
from core.errors import ResponseFormatError
from core.redaction import Redactor, excerpt
from pages.data_path import extract_items
from pages.error_body import check_page_body
from pages.list_presence import ListPresence
from pages.page import Page
from pages.streaming import stream_plan, warn_if_large


class PageReader:
    """Per endpoint run: each response read into a `Page`; `finish` judges the run's end."""

    def __init__(self, endpoint: Endpoint, redact: Redactor) -> None:
        self._endpoint, self._redact = endpoint, redact
        self._presence = ListPresence(endpoint.data_path)  # a page without its list is no end
        # jq reads the text as received rather than the body serialised again for it.
        self._uses_jq = endpoint.error_when is not None or stream_plan(endpoint.data_path) is None

    def read(
        self,
        response: httpx.Response,
        where: str,
        content: bytes | None = None,
        whole_reason: str | None = None,
    ) -> Page:
        """The page of `response` (its body: `content`, or the one read); `where` names it in
        every error; `whole_reason`: why a body that could be large was read whole."""
        content = response.content if content is None else content
        endpoint = self._endpoint
        body = decode(content, response, endpoint, where, self._redact)
        if whole_reason is not None:
            warn_if_large(len(content), where, whole_reason)
        text = _json_text(content) if self._uses_jq and body is not None else None
        failure: ResponseFormatError | None = None
        try:
            items = extract_items(body, endpoint.data_path, where, text)
        except ResponseFormatError as error:  # an error body the data_path cannot read:
            items, failure = [], error  # the verdict quotes the API first
        check_page_body(body, endpoint, response, where, self._redact, items, text)
        if failure is not None:
            raise failure
        self._presence.observe(body, items, where, text)
        return Page(
            response.url,
            response.headers,
            body,
            len(items),
            items=items,
            status=response.status_code,
            content=content,
            where=where,
        )

    def streamed(self, response: httpx.Response, where: str, item_count: int) -> Page:
        """A page whose items went out in chunks as they arrived: no body is held."""
        return Page(
            response.url,
            response.headers,
            None,
            item_count,
            status=response.status_code,
            where=where,
        )

    def finish(self) -> None:
        """At the end of the run: a data_path that found nothing on any page is an error."""
        self._presence.finish()


def decode(
    content: bytes,
    response: httpx.Response,
    endpoint: Endpoint,
    where: str,
    redact: Redactor,
) -> Any:
    """The one `json.loads` of a page (`content`: its body, read or streamed).

    None for 204 No Content, and for an empty body where the selector says
    `allow_empty_body`. Any other empty 2xx body is an error: a proxy or an overloaded API
    that drops the body would otherwise end pagination as an empty last page."""
    if not content or content.isspace():
        if response.status_code == 204 or endpoint.allow_empty_body:
            return None
        raise ResponseFormatError(
            f"{where} returned {response.status_code} with an empty body, which is not "
            "an empty page: the resync fails and nothing is deleted. If this endpoint "
            "answers an empty body for 'no items', set selector.allow_empty_body: true",
            status_code=response.status_code,
        )
    if response.status_code == 204:
        return None
    try:
        return json.loads(content)
    except ValueError:
        raise _not_json(content, response, where, redact) from None


def _not_json(
    content: bytes, response: httpx.Response, where: str, redact: Redactor
) -> ResponseFormatError:
    content_type = response.headers.get("content-type", "no content-type")
    head = content[:1000].decode(response.charset_encoding or "utf-8", "replace")
    # Masked before excerpt collapses whitespace: a page of indentation can bring a secret cut
    # at byte 1000 into the excerpt's first 200 characters.
    text = redact.masked_head(head) if len(content) > 1000 else head
    return ResponseFormatError(
        f"{where} returned "
        f"{response.status_code} with a body that is not JSON ({content_type}): "
        f"{excerpt(text, redact, 200)}. An HTML page usually means a "
        "login page, a proxy error or a wrong baseUrl",
        status_code=response.status_code,
    )


def _json_text(content: bytes) -> str | None:
    """A body as text for jq; None when it is not plain UTF-8 (json.loads also reads UTF-16,
    UTF-32 and a byte-order mark, which jq would not)."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if text.startswith("\ufeff") else text

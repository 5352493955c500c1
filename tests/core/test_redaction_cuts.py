"""Issue 19: text cut short for a message is masked first, then cut. Masked after the cut, a
secret straddling it would not match its mask, and its start would show.

Each test places the secret across the cut and looks for any start of it (5 characters or
more) in what is shown."""

from __future__ import annotations

import pytest

from core.errors import ApiReportedError, ResponseFormatError
from core.redaction import Redactor, excerpt
from pages.error_body import MESSAGE_LIMIT, check_error_body
from sample_api.server import FakeApi, Reply
from tests.client_kit import fetch

SECRET = "tok-a/b+c=d e" + "Zq8" * 12


def shows_a_start_of(secret: str, text: str) -> bool:
    return any(secret[:length] in text for length in range(5, len(secret) + 1))


def test_the_check_sees_a_start_of_the_secret() -> None:
    assert shows_a_start_of(SECRET, "…" + SECRET[:6]) and not shows_a_start_of(SECRET, "tok-")


@pytest.mark.parametrize("before", [290, 295, 299])
def test_an_excerpt_cut_at_its_limit_shows_no_start_of_a_straddling_secret(before: int) -> None:
    shown = excerpt("a" * before + SECRET + " tail", Redactor([SECRET]), limit=300)
    assert shown.startswith("a" * before) and not shows_a_start_of(SECRET, shown)


@pytest.mark.parametrize("before", [MESSAGE_LIMIT - 10, MESSAGE_LIMIT - 5, MESSAGE_LIMIT - 1])
def test_the_apis_words_cut_at_the_message_limit_show_no_start_of_a_secret(before: int) -> None:
    body = {"ok": False, "error": "x" * before + SECRET + " was rejected"}
    with pytest.raises(ApiReportedError) as caught:
        check_error_body(body, ".ok == false", ".error", "[/items] GET", Redactor([SECRET]))
    message = str(caught.value)
    assert "x" * before in message and not shows_a_start_of(SECRET, message)


def test_masked_head_drops_the_start_of_a_secret_at_its_end() -> None:
    redact = Redactor([SECRET])
    assert redact.masked_head("abc " + SECRET[:9]) == "abc "
    assert redact.masked_head(f"abc {SECRET} def") == "abc [REDACTED] def"


async def test_a_non_json_page_cut_at_1000_bytes_shows_no_start_of_a_secret(
    api: FakeApi,
) -> None:
    """An HTML page is mostly indentation: the excerpt collapses it, so a secret at byte 1000
    of the body comes within the 200 characters shown."""
    page = b"<html>" + b"\n" * 985 + SECRET.encode() + b"</html>"  # cut at its 9th byte
    html = Reply(200, body=page, headers={"Content-Type": "text/html"})
    api.route("GET", "/items", lambda _r: html)
    with pytest.raises(ResponseFormatError) as caught:
        await fetch(api.url, auth_type="bearer_token", api_token=SECRET)
    message = str(caught.value)
    assert "not JSON (text/html): <html>" in message and not shows_a_start_of(SECRET, message)

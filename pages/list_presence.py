"""Whether `data_path` found the item list on each page of an endpoint run (issue 19).

A page on which `data_path` finds **no value** — the key absent, or null — is not an empty page:

- after pages of the same run on which it found the list, it is an error answered as data. AWS
  API Gateway in front of Lambda answers a failed invocation with `200 OK` by default, the body
  being Lambda's error object `{"errorMessage", "errorType", "stackTrace"}`
  (https://docs.aws.amazon.com/apigateway/latest/developerguide/handle-errors-in-lambda-integration.html);
  read as an empty last page, the run would finish "complete" and Ocean would delete the
  entities of the pages not fetched. It raises `ResponseFormatError`.
- on every page of a run whose bodies were not empty, `data_path` is wrong: a typo such as
  `.dta` is valid jq and finds null everywhere, so a first install would sync nothing and say
  done. `finish` raises `ConfigurationError` naming data_path, what it found and the keys the
  body has.

An empty list where the list was is an honest end. An API that leaves the key out, or sends
null, for an empty list says so with a default: `.items // []`. With no `data_path` the list is
a top-level array: after array pages, an object page is the same kind of error.
A response with no body (204, `allow_empty_body`) is judged by the checks that allow it.
"""

from __future__ import annotations

from typing import Any

from core.errors import ConfigurationError, ResponseFormatError
from jq_paths.response_paths import jq_outputs
from pages.pagination_signals import top_level_keys

FIX = (
    "If this API leaves the list out (or sends null) when it is empty, say so in data_path "
    "with a default, e.g. .items // []"
)


class ListPresence:
    """Per endpoint run: fed every page (`observe`), judged once more at its end (`finish`)."""

    def __init__(self, data_path: str | None) -> None:
        self.data_path = data_path
        self._base = _container(data_path)
        self.found_pages = 0  # pages on which data_path found the list
        self._missed: str | None = None  # what the first page without it held, for `finish`

    def observe(
        self, body: Any, items: list[dict[str, Any]], where: str, text: str | None = None
    ) -> None:
        """Count one page; raise when it lacks the list that earlier pages of the run had.
        `text`: the JSON text `body` was decoded from, for jq (see `jq_outputs`)."""
        found = self._found(body, items, text)
        if found is None:
            return
        if found:
            self.found_pages += 1
            return
        what = self._what(body)
        if self.found_pages:
            raise ResponseFormatError(
                f"{where}: {what}, where the {self.found_pages} earlier page(s) of this run "
                "had the item list. A page without its list is not an empty last page (an "
                "empty list would be): it is most likely an error answered with 200 (e.g. AWS "
                "Lambda's errorMessage object through API Gateway). The resync fails and "
                f"nothing is deleted. {FIX}"
            )
        if self._missed is None:
            self._missed = f"{where}: {what}"

    def finish(self) -> None:
        """At the end of the run: a data_path that found no value on any page of bodies that
        were not empty is a configuration error."""
        if self._missed is not None and not self.found_pages:
            raise ConfigurationError(
                f"{self._missed}, and on every other page of this run: data_path points at "
                "nothing in this API's responses, so the resync would sync no items and report "
                f"success. Set the selector's data_path to the key that holds the item array. {FIX}"
            )

    def _found(self, body: Any, items: list[dict[str, Any]], text: str | None) -> bool | None:
        """True: the list is on this page; False: it is not; None: nothing to judge."""
        if body is None:
            return None
        if self.data_path is None:  # the list is a top-level array; an object is one item
            if isinstance(body, list):
                return True
            return False if self.found_pages else None
        if items:
            return True
        if isinstance(body, dict) and not body:
            return None  # `{}`: an empty body, not a body without its list
        try:
            outputs = jq_outputs(self._base, body, text if self._base == self.data_path else None)
        except ValueError:  # the container cannot be read from this body: it is not there
            return False
        # No output at all (`.items[]` over []) says nothing either way: taken as found.
        return not outputs or any(output is not None for output in outputs)

    def _what(self, body: Any) -> str:
        keys = top_level_keys(body)
        if self.data_path is None:
            return f"the response is not an array ({keys})"
        return f"data_path {self.data_path!r} found no value (absent or null; {keys})"


def _container(data_path: str | None) -> str:
    """The expression whose value is the list: `.items[]` and `.items[]?` iterate `.items`,
    which is what must be there (iterating a missing list gives no output, like an empty one)."""
    expression = (data_path or ".").strip()
    for suffix in ("[]?", "[]"):
        head = expression.removesuffix(suffix)
        # `.items[]`, `.a["b"][]`, `.[]`: an iteration of a path; not `// []`, a literal.
        if head != expression and head[-1:] and (head[-1].isalnum() or head[-1] in '._]")?'):
            return head
    return expression

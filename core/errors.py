"""The one exception tree of this integration.

Every error here must propagate out of the resync handler. Ocean deletes from Port every entity
that a *completed* resync did not produce, so logging an error and carrying on would turn a
failed fetch into a mass deletion. Raising makes Ocean skip the deletion and keep the catalog.
Messages name the endpoint, what went wrong and the setting to look at, and never hold a secret:
they are built from already-redacted text (see `core/redaction.py`).
"""

from __future__ import annotations


class OceanCustomError(Exception):
    """Base class: anything this integration raises on purpose."""


class ConfigurationError(OceanCustomError):
    """A connection setting or a resource selector is invalid. Names the key and the value."""


class FetchError(OceanCustomError):
    """An HTTP call failed: non-2xx status after retries, timeout, connection error."""

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class AuthenticationError(FetchError):
    """The API rejected our credentials (401), or a token could not be obtained."""


class RetryWaitTooLongError(FetchError):
    """The API asked us to wait longer than `maxRetryWait` before retrying."""


class RetriesExhaustedError(FetchError):
    """A retryable failure (408/425/429/5xx, connection error) outlasted `maxRetries`."""


class ApiReportedError(FetchError):
    """A 2xx response whose body the selector's `error_when` predicate marks as an error."""


class IncompleteResultError(FetchError):
    """The items received do not add up to the total the API reported (`strictTotal`)."""


class ResponseFormatError(FetchError):
    """A 2xx response we cannot use: not JSON, an HTML page, or `data_path` selects a scalar."""


class PaginationError(OceanCustomError):
    """Pagination cannot continue safely: a repeated cursor/URL/page, or the page cap was hit."""


class PageCapReached(PaginationError):
    """`maxPages` pages fetched with more still announced. A failure in a resync (the rest
    would be deleted); the probe, which caps itself at one page, reads it as "more pages"."""


class ResponseTooLargeError(FetchError):
    """A response body passed `maxResponseMb` (read whole) or `maxStreamedMb` (streamed)."""


class RequestTimeoutError(RetriesExhaustedError):
    """Every attempt of a request ran out of its `timeout` (connect, headers and whole body)."""

"""What the preview found, per resource: plain data, rendered as text or JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

OK, FAILED, MAPPING_FAILED = "ok", "failed", "mapping_failed"


@dataclass
class RequestRecord:
    """One HTTP request as it went out (auth and token calls included), URL redacted."""

    method: str
    url: str
    status: int | None = None  # None: no response (connection error, timeout)
    duration_ms: float | None = None
    body_shape: str | None = None  # e.g. "object with keys: data, meta", to check data_path


@dataclass
class PageRecord:
    """One response page: how many items `data_path` found in it."""

    page: int
    url: str
    items: int


@dataclass
class RunRecord:
    """One finished endpoint fetch (a templated kind has one per parameter value)."""

    url: str
    pages: int
    items: int
    stop_reason: str
    uncertain: bool = False  # stopped on an absent signal (a path that matched nothing)


@dataclass
class MappingFailure:
    """An item Ocean's mapping dropped, and why."""

    item: dict[str, Any]
    reason: str


@dataclass
class ResourceReport:
    index: int
    kind: str
    blueprint: str
    data_path: str | None = None
    requests: list[RequestRecord] = field(default_factory=list)
    pages: list[PageRecord] = field(default_factory=list)
    runs: list[RunRecord] = field(default_factory=list)
    items: int = 0  # raw items handed to Ocean's mapping
    raw_samples: list[dict[str, Any]] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)
    filtered_out: int = 0  # items for which selector.query was false
    mapping_failures: list[MappingFailure] = field(default_factory=list)
    undiagnosed_failures: int = 0  # failures past the per-resource diagnosis cap
    warnings: list[str] = field(default_factory=list)
    limit_reached: str | None = None  # the preview limit that cut the fetch short
    expected_items: int | None = None  # what the API says the list holds (totalPath, a count)
    error: str | None = None

    @property
    def failed_mapping(self) -> int:
        return len(self.mapping_failures) + self.undiagnosed_failures

    @property
    def status(self) -> str:
        if self.error:
            return FAILED
        return MAPPING_FAILED if self.failed_mapping else OK

    @property
    def stop_reasons(self) -> list[str]:
        reasons = [
            f"UNCERTAIN — {run.stop_reason}" if run.uncertain else run.stop_reason
            for run in self.runs
        ]
        if self.limit_reached:
            reasons.append(f"preview limit reached ({self.limit_reached})")
        return reasons

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(
            status=self.status,
            stop_reasons=self.stop_reasons,
            failed_mapping=self.failed_mapping,
        )
        return data


@dataclass
class PreviewReport:
    base_url: str
    settings_source: str
    resources: list[ResourceReport] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # resync-level, not tied to a resource

    @property
    def ok(self) -> bool:
        return not self.errors and all(r.status == OK for r in self.resources)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "base_url": self.base_url,
            "settings_source": self.settings_source,
            "resources": [resource.to_json() for resource in self.resources],
            "errors": list(self.errors),
        }

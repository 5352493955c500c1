"""The live-events (webhook) connection settings: `webhookSecret`, `webhookSignature`,
`webhookSignatureHeader` (docs/live-events.md).

They arrive flat, like every spec value, and are grouped into one `WebhookSettings` held by
`ConnectionSettings.webhooks`. `webhookSignature` unset means live events are off: no endpoint
is registered. Any scheme but `none` needs the secret, so a webhook endpoint can never be
opened unauthenticated by forgetting it; `none` is an explicit opt-out (warned about at start).
"""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.alias_generators import to_camel

SignatureScheme = Literal["github", "stripe", "slack", "hmac_sha256", "none"]
# The field of ConnectionSettings that holds this group.
GROUP_FIELD = "webhooks"


class WebhookSettings(BaseModel):
    """How deliveries to `POST /integration/webhook` are authenticated."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )

    webhook_secret: str | None = Field(default=None, repr=False)
    webhook_signature: SignatureScheme | None = None
    webhook_signature_header: str | None = None

    @model_validator(mode="after")
    def _check_combinations(self) -> Self:
        scheme, header = self.webhook_signature, self.webhook_signature_header
        if scheme is None and self.webhook_secret:
            raise ValueError(
                "webhookSecret is set but webhookSignature is not: choose github, stripe, "
                "slack or hmac_sha256 (how the sender signs its deliveries)"
            )
        if scheme not in (None, "none") and not self.webhook_secret:
            raise ValueError(
                f"webhookSignature '{scheme}' needs webhookSecret, which is not set (the "
                "sender's signing secret); webhookSignature: none accepts unsigned deliveries"
            )
        if scheme == "hmac_sha256" and not (header and header.strip()):
            raise ValueError(
                "webhookSignature 'hmac_sha256' needs webhookSignatureHeader: the header that "
                "carries the hex digest, e.g. X-Signature"
            )
        if header and scheme != "hmac_sha256":
            raise ValueError(
                "webhookSignatureHeader applies to webhookSignature hmac_sha256 only "
                f"(webhookSignature is {scheme or 'not set'})"
            )
        return self

    @property
    def enabled(self) -> bool:
        """Whether live events are configured (the webhook endpoint is registered)."""
        return self.webhook_signature is not None

    @property
    def secrets(self) -> list[str]:
        return [self.webhook_secret] if self.webhook_secret else []

    def describe(self) -> str:
        """One line for the start-up log; holds no secret."""
        if not self.enabled:
            return "live events off (webhookSignature not set)"
        header = self.webhook_signature_header
        where = f" in {header}" if header else ""
        return f"at POST /integration/webhook, signature {self.webhook_signature}{where}"

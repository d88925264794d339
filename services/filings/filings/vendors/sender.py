"""Posting a signed webhook to a vendor's server over HTTP."""

from __future__ import annotations

import time
from dataclasses import dataclass

import requests

from filings.domain.webhooks import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, delivered, signature_header

USER_AGENT = "CARS-Webhooks/1"
# What is kept of a vendor's answer in last_error: enough to diagnose, not a copy of their page.
RESPONSE_EXCERPT = 300


@dataclass(frozen=True)
class OutgoingWebhook:
    delivery_id: str
    event: str
    url: str
    body: bytes
    signing_secret: str


class WebhookNotDelivered(Exception):
    """The vendor's server did not take the delivery; `status_code` is its answer, None when there was none."""

    def __init__(self, reason: str, status_code: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status_code = status_code


class WebhookSender:
    """Posts signed deliveries with a timeout, never following redirects (the signed URL is the vendor's)."""

    def __init__(self, timeout_seconds: float = 10.0) -> None:
        self.timeout_seconds = timeout_seconds
        self.http = requests.Session()
        # Proxies and credentials from the environment or ~/.netrc have no business in a vendor delivery.
        self.http.trust_env = False

    def send(self, webhook: OutgoingWebhook) -> int:
        """Post the webhook signed now; returns the 2xx status code or raises WebhookNotDelivered."""
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            SIGNATURE_HEADER: signature_header(webhook.signing_secret, webhook.body, int(time.time())),
            DELIVERY_HEADER: webhook.delivery_id,
            EVENT_HEADER: webhook.event,
        }
        try:
            response = self.http.post(
                webhook.url,
                data=webhook.body,
                headers=headers,
                timeout=self.timeout_seconds,
                allow_redirects=False,
                stream=True,
            )
        except requests.Timeout:
            raise WebhookNotDelivered(f"No answer within {self.timeout_seconds:g} seconds.") from None
        except requests.RequestException as error:
            raise WebhookNotDelivered(f"Could not connect: {type(error).__name__}.") from None
        with response:
            if delivered(response.status_code):
                return response.status_code
            # Read only the start of the answer: a vendor's server may send any amount.
            start = response.raw.read(RESPONSE_EXCERPT * 4, decode_content=True) or b""
            excerpt = start.decode("utf-8", "replace")[:RESPONSE_EXCERPT].strip()
        reason = f"The server answered {response.status_code}."
        if excerpt:
            reason += f" {excerpt}"
        raise WebhookNotDelivered(reason, response.status_code)

    def close(self) -> None:
        self.http.close()

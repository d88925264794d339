"""Reading filings' public API: a filing version and its public line items, and the public listings a full
reindex walks. Only the public view is ever asked for, so only what the form declarations make public arrives.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

import requests

from cars_shared.config import FILINGS_PUBLIC_URL, PORTAL_URL
from cars_shared.logging import get_logger

log = get_logger(__name__)

LINES_PAGE = 1000
"""Line items asked for per request (filings' largest page)."""


class FilingsUnavailable(RuntimeError):
    """Filings did not answer as expected after the retries: the event is retried later, then parked."""


class FilingGone(LookupError):
    """Filings does not know the filing (or entity) the event named: nothing public to index."""


@dataclass(frozen=True)
class PublicPart:
    name: str
    label: str
    line_count: int


@dataclass(frozen=True)
class PublicVersion:
    """One filing version as filings shows it to the public: its envelope (dates parsed) and its lines parts."""

    envelope: dict[str, Any]
    parts: list[PublicPart] = field(default_factory=list)

    @property
    def filing_id(self) -> str:
        return self.envelope["filing_id"]

    @property
    def amendment(self) -> int:
        return self.envelope["amendment"]


def filings_public_url() -> str:
    """FILINGS_PUBLIC_URL, else the filings gateway behind the portal's front door."""
    return (FILINGS_PUBLIC_URL.get() or f"{PORTAL_URL.get().rstrip('/')}/api/filings").rstrip("/")


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def version_envelope(body: Mapping[str, Any]) -> dict[str, Any]:
    """The facts of a version the filing document needs, from filings' public version (dates parsed)."""
    return {
        "filing_id": body["filing_id"],
        "entity_id": body["entity_id"],
        "entity_name": body.get("entity_name") or body["entity_id"],
        "form": body["form"],
        "form_name": body["form_name"],
        "amendment": body["amendment"],
        "latest_amendment": body.get("latest_amendment", body["amendment"]),
        "period_start": _date(body.get("period_start")),
        "period_end": _date(body.get("period_end")),
        "filed_at": datetime.fromisoformat(body["filed_at"]),
        "totals": dict(body.get("totals") or {}),
    }


def entity_record(body: Mapping[str, Any]) -> dict[str, Any]:
    """A filer's public record from filings (dates parsed)."""
    return {
        **body,
        "registered_on": _date(body.get("registered_on")),
        "terminated_on": _date(body.get("terminated_on")),
    }


class FilingsClient:
    """HTTP reads of filings' public routes with a timeout and retries (backoff doubling from `backoff`)."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        timeout: float = 10.0,
        attempts: int = 3,
        backoff: float = 0.2,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = (base_url or filings_public_url()).rstrip("/")
        self.timeout = timeout
        self.attempts = attempts
        self.backoff = backoff
        self.session = session or requests.Session()

    def version(self, filing_id: str, amendment: int) -> PublicVersion:
        """One version of a filing in the public view; FilingGone when filings does not know it."""
        body = self._get(f"/v1/filings/{quote(filing_id, safe='')}/versions/{int(amendment)}")
        parts = [
            PublicPart(part["name"], part["label"], part.get("line_count", 0))
            for part in body.get("parts", [])
            if part.get("kind") == "lines"
        ]
        return PublicVersion(version_envelope(body), parts)

    def lines(self, filing_id: str, amendment: int, part: str) -> Iterator[tuple[int, dict[str, Any]]]:
        """Every public line item of one part of a version, in line order, page by page."""
        after = 0
        path = f"/v1/filings/{quote(filing_id, safe='')}/versions/{int(amendment)}/lines/{quote(part, safe='')}"
        while True:
            page = self._get(path, {"after": after, "limit": LINES_PAGE})
            for line in page["lines"]:
                yield line["line"], line["values"]
            if page.get("next_after") is None:
                return
            after = page["next_after"]

    def entity(self, entity_id: str) -> dict[str, Any]:
        """A filer's public record; FilingGone when filings does not know it."""
        return entity_record(self._get(f"/v1/entities/{quote(entity_id, safe='')}"))

    def public_filings(self, after: str | None = None, limit: int = 500) -> Iterator[dict[str, Any]]:
        """Every public filing version (filing_id, amendment, latest_amendment, filed_at), in key order."""
        yield from self._listing("/v1/public/filing-versions", after, limit)

    def public_entities(self, after: str | None = None, limit: int = 500) -> Iterator[dict[str, Any]]:
        """Every public filer's record, in ID order."""
        for item in self._listing("/v1/public/entities", after, limit):
            yield entity_record(item)

    def _listing(self, path: str, after: str | None, limit: int) -> Iterator[dict[str, Any]]:
        while True:
            parameters: dict[str, Any] = {"limit": limit}
            if after:
                parameters["after"] = after
            page = self._get(path, parameters)
            yield from page["items"]
            after = page.get("next_after")
            if not after:
                return

    def _get(self, path: str, parameters: Mapping[str, Any] | None = None) -> dict[str, Any]:
        url = f"{self.base_url}{path}"
        problem = "no answer"
        for attempt in range(self.attempts):
            if attempt:
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                response = self.session.get(url, params=parameters, timeout=self.timeout)
            except requests.RequestException as error:
                problem = f"{type(error).__name__}: {error}"
                continue
            if response.status_code == 404:
                raise FilingGone(f"filings answered 404 for {path}")
            if response.status_code == 200:
                return response.json()
            problem = f"HTTP {response.status_code}"
            if response.status_code < 500 and response.status_code != 429:
                break
        log.warning("filings_read_failed", url=url, problem=problem)
        raise FilingsUnavailable(f"filings did not answer {path}: {problem}")

"""Search documents: what the public index holds about a filing or a filer, in plain words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from search.domain.plain_words import entity_type_name, form_label, joined, long_date, money, period, total_name

FILING = "filing"
ENTITY = "entity"
KINDS: tuple[str, ...] = (FILING, ENTITY)


@dataclass(frozen=True)
class SearchDocument:
    """One findable record. `version` orders replacements: an older version never replaces a newer one."""

    id: str
    kind: str
    title: str
    description: str
    entity_id: str
    entity_name: str
    dated_at: datetime
    version: int = 0
    keywords: tuple[str, ...] = ()
    filing_id: str | None = None
    form: str | None = None
    form_name: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    filed_at: datetime | None = None
    amendment: int | None = None
    totals: Mapping[str, Decimal] = field(default_factory=dict)
    entity_type: str | None = None
    entity_type_name: str | None = None
    registered_on: date | None = None

    def to_record(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO text, amounts as decimal text)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "description": self.description,
            "entity_id": self.entity_id,
            "entity_name": self.entity_name,
            "dated_at": self.dated_at.isoformat(),
            "version": self.version,
            "keywords": list(self.keywords),
            "filing_id": self.filing_id,
            "form": self.form,
            "form_name": self.form_name,
            "period_start": _iso(self.period_start),
            "period_end": _iso(self.period_end),
            "filed_at": _iso(self.filed_at),
            "amendment": self.amendment,
            "totals": {key: str(value) for key, value in self.totals.items()},
            "entity_type": self.entity_type,
            "entity_type_name": self.entity_type_name,
            "registered_on": _iso(self.registered_on),
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> SearchDocument:
        """The inverse of `to_record`."""
        return cls(
            id=record["id"],
            kind=record["kind"],
            title=record["title"],
            description=record["description"],
            entity_id=record["entity_id"],
            entity_name=record["entity_name"],
            dated_at=datetime.fromisoformat(record["dated_at"]),
            version=record["version"],
            keywords=tuple(record["keywords"]),
            filing_id=record["filing_id"],
            form=record["form"],
            form_name=record["form_name"],
            period_start=_date_or_none(record["period_start"]),
            period_end=_date_or_none(record["period_end"]),
            filed_at=datetime.fromisoformat(record["filed_at"]) if record["filed_at"] else None,
            amendment=record["amendment"],
            totals={key: Decimal(value) for key, value in record["totals"].items()},
            entity_type=record["entity_type"],
            entity_type_name=record["entity_type_name"],
            registered_on=_date_or_none(record["registered_on"]),
        )


def filing_document(filing: Mapping[str, Any]) -> SearchDocument:
    """The document of an accepted filing (a `filings.filing_accepted` payload); amendments replace it."""
    form_name = filing["form_name"] or form_label(filing["form"])
    amendment = filing["amendment"]
    totals = {key: Decimal(value) for key, value in (filing.get("totals") or {}).items()}
    title = f"{filing['entity_name']}: {form_name}"
    if amendment:
        title += f", amendment {amendment}"
    return SearchDocument(
        id=f"{FILING}:{filing['filing_id']}",
        kind=FILING,
        title=title,
        description=filing_description(
            form_name, filing["entity_name"], filing["period_start"], filing["period_end"], amendment, totals
        ),
        entity_id=filing["entity_id"],
        entity_name=filing["entity_name"],
        dated_at=filing["filed_at"],
        version=amendment,
        keywords=(filing["form"], form_label(filing["form"]), filing["entity_id"], filing["filing_id"]),
        filing_id=filing["filing_id"],
        form=filing["form"],
        form_name=form_name,
        period_start=filing["period_start"],
        period_end=filing["period_end"],
        filed_at=filing["filed_at"],
        amendment=amendment,
        totals=totals,
    )


def filing_description(
    form_name: str,
    entity_name: str,
    period_start: date | None,
    period_end: date | None,
    amendment: int,
    totals: Mapping[str, Decimal],
) -> str:
    """The filing in one sentence: form, filer, period covered and totals, e.g. 'Recipient Committee Campaign
    Statement filed by X for January 1 to June 30, 2026, reporting $1,500.00 in contributions'."""
    words = form_name
    if amendment:
        words += f" (amendment {amendment})"
    words += f" filed by {entity_name}"
    covered = period(period_start, period_end)
    if covered:
        words += f" for {covered}"
    if totals:
        words += ", reporting " + joined([f"{money(amount)} in {total_name(key)}" for key, amount in totals.items()])
    return words


def entity_document(entity: Mapping[str, Any]) -> SearchDocument:
    """The document of a registered filer (a `filings.entity_registered` payload)."""
    type_name = entity_type_name(entity["entity_type"])
    registered_on: date = entity["registered_on"]
    return SearchDocument(
        id=f"{ENTITY}:{entity['entity_id']}",
        kind=ENTITY,
        title=entity["name"],
        description=(
            f"{entity['name']} is {_article(type_name)} {type_name.lower()} registered on {long_date(registered_on)} "
            f"with filer ID {entity['entity_id']}"
        ),
        entity_id=entity["entity_id"],
        entity_name=entity["name"],
        dated_at=datetime.combine(registered_on, time(), tzinfo=UTC),
        keywords=(entity["entity_id"], type_name),
        entity_type=entity["entity_type"],
        entity_type_name=type_name,
        registered_on=registered_on,
    )


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date_or_none(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None

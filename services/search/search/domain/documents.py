"""Search documents: what the public index holds about a filing, a filer or a transaction, in plain words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from search.domain.plain_words import (
    contributor_type_name,
    entity_type_name,
    form_label,
    joined,
    long_date,
    money,
    payment_code_name,
    period,
    total_name,
)
from search.domain.schedules import RECEIVED, ScheduleMeaning, schedule_meaning

FILING = "filing"
ENTITY = "entity"
TRANSACTION = "transaction"
KINDS: tuple[str, ...] = (FILING, ENTITY, TRANSACTION)


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
    # False for the rows of an amendment that a later one replaced: found only when history is asked for.
    current: bool = True
    # A transaction (a line of a filing's schedule): who gave or was paid, where, how much and when.
    schedule: str | None = None
    schedule_name: str | None = None
    line: int | None = None
    name: str | None = None
    employer: str | None = None
    occupation: str | None = None
    city: str | None = None
    state: str | None = None
    zip_code: str | None = None
    amount: Decimal | None = None
    transaction_date: date | None = None
    # A filer's standing (active, terminated) and the names it was known by before.
    status: str | None = None
    former_names: tuple[str, ...] = ()

    @property
    def recorded_at(self) -> datetime:
        """When the document reached the public record, what alerts and the `filed` order go by: the filing date of
        a filing and of its transactions (an amendment's own, so its restated rows are news again), else (a filer,
        whose registration carries a day but no filing time) its own date, the day it registered."""
        return self.filed_at or self.dated_at

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
            "current": self.current,
            "schedule": self.schedule,
            "schedule_name": self.schedule_name,
            "line": self.line,
            "name": self.name,
            "employer": self.employer,
            "occupation": self.occupation,
            "city": self.city,
            "state": self.state,
            "zip_code": self.zip_code,
            "amount": str(self.amount) if self.amount is not None else None,
            "transaction_date": _iso(self.transaction_date),
            "status": self.status,
            "former_names": list(self.former_names),
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
            current=record.get("current", True),
            schedule=record.get("schedule"),
            schedule_name=record.get("schedule_name"),
            line=record.get("line"),
            name=record.get("name"),
            employer=record.get("employer"),
            occupation=record.get("occupation"),
            city=record.get("city"),
            state=record.get("state"),
            zip_code=record.get("zip_code"),
            amount=Decimal(record["amount"]) if record.get("amount") is not None else None,
            transaction_date=_date_or_none(record.get("transaction_date")),
            status=record.get("status"),
            former_names=tuple(record.get("former_names") or ()),
        )


def filing_document(filing: Mapping[str, Any], entity_type: str | None = None) -> SearchDocument:
    """The document of an accepted filing version (a `filing_accepted` payload or filings' public version, dates
    parsed); amendments replace it. `entity_type` is the filer's type, when known."""
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
        entity_type=entity_type,
        entity_type_name=entity_type_name(entity_type) if entity_type else None,
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


def transaction_document(
    filing: Mapping[str, Any],
    part: str,
    part_label: str,
    line: int,
    values: Mapping[str, Any],
    entity_type: str | None = None,
) -> SearchDocument | None:
    """The document of one public line item of a filing version's transaction schedule; None when the part is
    not a transaction schedule. `filing` is the version (as for `filing_document`), `values` the line's public
    fields as filings' public view answers them (amounts as decimal text, dates ISO)."""
    meaning = schedule_meaning(filing["form"], part)
    if meaning is None:
        return None
    name = _first(values, meaning.name_fields)
    amount_text = _first(values, meaning.amount_fields)
    amount = Decimal(str(amount_text)) if amount_text not in (None, "") else None
    day_text = _first(values, meaning.date_fields)
    day = _date_or_none(str(day_text)) if day_text else None
    employer, occupation = _text(values.get("employer")), _text(values.get("occupation"))
    city, state = _text(values.get(meaning.city_field)), _text(values.get(meaning.state_field))
    zip_code = _text(values.get(meaning.zip_field))
    form_name = filing["form_name"] or form_label(filing["form"])
    code = _text(values.get("code"))
    keywords = [filing["form"], form_label(filing["form"]), part_label, filing["entity_id"], filing["filing_id"]]
    if code:
        keywords += [code, payment_code_name(code)]
    for field_name in ("committee_id", "recipient_id", "client_id", "firm_id", "transaction_id"):
        if values.get(field_name):
            keywords.append(str(values[field_name]))
    if values.get("contributor_type"):
        keywords.append(contributor_type_name(str(values["contributor_type"])))
    filed_at: datetime = filing["filed_at"]
    return SearchDocument(
        id=f"{TRANSACTION}:{filing['filing_id']}:{filing['amendment']}:{part}:{line}",
        kind=TRANSACTION,
        title=name or part_label,
        description=transaction_description(meaning, filing, part_label, values, name, amount, day),
        entity_id=filing["entity_id"],
        entity_name=filing["entity_name"],
        dated_at=datetime.combine(day, time(), tzinfo=UTC) if day else filed_at,
        version=filing["amendment"],
        keywords=tuple(keywords),
        filing_id=filing["filing_id"],
        form=filing["form"],
        form_name=form_name,
        period_start=filing["period_start"],
        period_end=filing["period_end"],
        filed_at=filed_at,
        amendment=filing["amendment"],
        entity_type=entity_type,
        entity_type_name=entity_type_name(entity_type) if entity_type else None,
        schedule=part,
        schedule_name=part_label,
        line=line,
        name=name,
        employer=employer,
        occupation=occupation,
        city=city,
        state=state,
        zip_code=zip_code,
        amount=amount,
        transaction_date=day,
    )


def transaction_description(
    meaning: ScheduleMeaning,
    filing: Mapping[str, Any],
    part_label: str,
    values: Mapping[str, Any],
    name: str | None,
    amount: Decimal | None,
    day: date | None,
) -> str:
    """One line item in a sentence, e.g. 'Contribution of $500.00 from Jane Doe, teacher at Unified School
    District, to Friends of Example on March 3, 2026, reported for January 1 to June 30, 2026 in the Recipient
    Committee Campaign Statement (Form 460), Schedule A: monetary contributions received'."""
    filer = filing["entity_name"]
    party = name or "an unnamed party"
    words = meaning.noun
    if amount is not None:
        words += f" of {money(amount)}"
    if meaning.direction == RECEIVED:
        words += f" from {party}"
        work = _work(values)
        if work:
            words += f", {work},"
        words += f" to {filer}"
    else:
        words += f" by {filer}"
        stance = _text(values.get("support_or_oppose"))
        if stance in ("support", "oppose"):
            words += f" {'supporting' if stance == 'support' else 'opposing'} {party}"
        else:
            words += f" to {party}"
        if values.get("beneficiary_name"):
            words += f" benefiting {values['beneficiary_name']}"
    code, detail = _text(values.get("code")), _text(values.get("description"))
    if code and detail:
        words += f" for {payment_code_name(code)} ({detail})"
    elif code or detail:
        words += f" for {payment_code_name(code) if code else detail}"
    if day:
        words += f" on {long_date(day)}"
    covered = period(filing["period_start"], filing["period_end"])
    if covered:
        words += f", reported for {covered}"
    form_name = filing["form_name"] or form_label(filing["form"])
    schedule = part_label if part_label.startswith("Schedule") else part_label[:1].lower() + part_label[1:]
    return f"{words} in the {form_name} ({form_label(filing['form'])}), {schedule}"


def _work(values: Mapping[str, Any]) -> str | None:
    """'teacher at Unified School District', from a contributor's occupation and employer."""
    occupation, employer = _text(values.get("occupation")), _text(values.get("employer"))
    if occupation and employer:
        return f"{occupation.lower()} at {employer}"
    if occupation:
        return occupation.lower()
    if employer:
        return f"employed by {employer}"
    return None


def _first(values: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        value = values.get(name)
        if value not in (None, ""):
            return value
    return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def entity_document(entity: Mapping[str, Any], former_names: tuple[str, ...] = (), version: int = 0) -> SearchDocument:
    """The document of a filer: an `entity_registered`/`entity_updated`/`entity_terminated` payload or filings'
    public entity record (dates parsed), with the names it had before (found by them too)."""
    type_name = entity_type_name(entity["entity_type"])
    registered_on: date | None = entity.get("registered_on")
    terminated_on: date | None = entity.get("terminated_on")
    status = entity.get("status") or ("terminated" if terminated_on else "active")
    description = f"{entity['name']} is {_article(type_name)} {type_name.lower()}"
    if registered_on:
        description += f" registered on {long_date(registered_on)}"
    description += f" with filer ID {entity['entity_id']}"
    if terminated_on:
        description += f", terminated on {long_date(terminated_on)}"
    if former_names:
        description += f", formerly {joined(list(former_names))}"
    dated_on = registered_on or terminated_on or date(1970, 1, 1)
    return SearchDocument(
        id=f"{ENTITY}:{entity['entity_id']}",
        kind=ENTITY,
        title=entity["name"],
        description=description,
        entity_id=entity["entity_id"],
        entity_name=entity["name"],
        dated_at=datetime.combine(dated_on, time(), tzinfo=UTC),
        version=version,
        keywords=(entity["entity_id"], type_name, status, *former_names),
        entity_type=entity["entity_type"],
        entity_type_name=type_name,
        registered_on=registered_on,
        city=_text(entity.get("city")),
        state=_text(entity.get("state")),
        zip_code=_text(entity.get("zip")),
        status=status,
        former_names=former_names,
    )


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date_or_none(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None

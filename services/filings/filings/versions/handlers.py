"""Reading filings: every version as filed, its line items page by page, and what changed between versions.

Everything here answers in a view: the public one (private fields and parts left out) unless the caller asks
for the full one, which the routes give only to readers `Reader.may_read_full` entitles. Only what the reader
may see is answered: a filing or entity hidden from the reader is answered exactly like an unknown one.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from filings.domain.diff import FieldChange, Line, LineChange, LineTally, field_changes, line_changes
from filings.domain.forms import FORMS, FormDeclaration, FormKind
from filings.domain.forms.declaration import PartKind, PartSpec
from filings.domain.forms.public import is_public_part, public_record
from filings.domain.intake import Space
from filings.models import Entity, Filing, FilingLine
from filings.versions import legacy
from filings.versions.visibility import Reader, View

LINES_CHUNK = 1000
"""Line items read per query when a whole part is streamed (a diff): memory stays bounded by this."""

NATURAL_KEY = "transaction_id"
"""The filer's own ID of a line's transaction (CAL-ACCESS's TRAN_ID): an amendment keeps it for the same transaction,
so lines match by it wherever they moved. Lines of parts without it match by line number."""

ENVELOPE_FIELDS = (("period_start", "Period start"), ("period_end", "Period end"), ("signer_name", "Signed by"))
"""The public facts of a version outside its parts, compared by a diff like the fields of a record."""


@dataclass(frozen=True)
class ShownPart:
    """A part of a form as a view shows it, with the labels of the fields it may show, in declared order."""

    form: FormDeclaration
    spec: PartSpec
    labels: dict[str, str]
    view: View = View.PUBLIC

    def shown(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """The fields of one record or line of this part that the view shows."""
        if self.view == View.FULL:
            return {name: record[name] for name in self.labels if name in record}
        return public_record(self.form, self.spec.name, record)


def parts_in_view(form: FormDeclaration, view: View = View.PUBLIC) -> list[ShownPart]:
    """The form's parts a view shows in declared order, each with the plain-language names of its fields shown."""
    if view == View.FULL:
        return [ShownPart(form, spec, {field.name: field.label for field in spec.fields}, view) for spec in form.parts]
    # A field private only in some records (`private_when`) is listed; `public_record` drops it from those.
    return [
        ShownPart(form, spec, {field.name: field.label for field in spec.fields if field.public}, view)
        for spec in form.parts
        if is_public_part(form, spec.name)
    ]


def part_in_view(form: FormDeclaration, name: str, kind: PartKind, view: View = View.PUBLIC) -> ShownPart | None:
    for part in parts_in_view(form, view):
        if part.spec.name == name and part.spec.kind == kind:
            return part
    return None


def form_of(filing: Filing) -> FormDeclaration:
    """The declaration of the filing's form; a form no longer declared shows no parts (nothing is public by default)."""
    return FORMS.get(filing.form) or FormDeclaration(filing.form, filing.form, FormKind.REPORT)


# -- versions -------------------------------------------------------------------------------------------


def versions(session: Session, filing_id: str, reader: Reader) -> list[Filing]:
    """Every version of a filing, oldest first; empty when there is no such filing the reader may see."""
    found = list(session.scalars(select(Filing).where(Filing.filing_id == filing_id).order_by(Filing.amendment)))
    if not found or not reader.may_read(found[0].space, found[0].vendor_id):
        return []
    return found


def version(session: Session, filing_id: str, amendment: int | None, reader: Reader) -> tuple[Filing, int] | None:
    """One version (the latest when `amendment` is None) with the filing's latest amendment number."""
    latest = session.scalar(select(func.max(Filing.amendment)).where(Filing.filing_id == filing_id))
    if latest is None:
        return None
    filing = session.get(Filing, (filing_id, latest if amendment is None else amendment))
    if filing is None or not reader.may_read(filing.space, filing.vendor_id):
        return None
    return filing, latest


def history(found: list[Filing]) -> dict[str, Any]:
    """A filing's versions, oldest first, as the list of versions shows them."""
    latest = found[-1]
    return {
        "filing_id": latest.filing_id,
        "entity_id": latest.entity_id,
        "form": latest.form,
        "form_name": form_of(latest).name,
        "versions": [summary(filing) for filing in found],
    }


def entity_name(session: Session, entity_id: str) -> str | None:
    return session.scalar(select(Entity.name).where(Entity.entity_id == entity_id))


def as_version(
    filing: Filing, latest_amendment: int, name_of_entity: str | None, view: View = View.PUBLIC
) -> dict[str, Any]:
    """A version in a view: its envelope, then each part the view shows in declared order.

    The full view adds who filed and signed it, the statement signed and the warnings it was accepted with.
    """
    form = form_of(filing)
    records = filing.records or {}
    line_counts = filing.line_counts or {}
    parts = []
    for part in [] if legacy.is_legacy(filing) else parts_in_view(form, view):
        name = part.spec.name
        if part.spec.kind == PartKind.RECORD and name in records:
            shown = part.shown(records[name])
            fields = [
                {"name": field, "label": label, "value": shown.get(field)}
                for field, label in part.labels.items()
                if field in shown
            ]
            parts.append({"name": name, "label": part.spec.label, "kind": PartKind.RECORD.value, "fields": fields})
        elif part.spec.kind == PartKind.LINES and name in line_counts:
            parts.append(
                {
                    "name": name,
                    "label": part.spec.label,
                    "kind": PartKind.LINES.value,
                    "line_count": line_counts[name],
                    "columns": columns(part),
                }
            )
    if legacy.is_legacy(filing):
        parts = _legacy_parts(filing, form, view)
    version = {
        **summary(filing),
        "view": view.value,
        "filing_id": filing.filing_id,
        "latest_amendment": latest_amendment,
        "entity_id": filing.entity_id,
        "entity_name": name_of_entity,
        "form": filing.form,
        "form_name": form.name,
        "signer_name": filing.signer_name,
        "totals": dict(filing.totals or {}),
        "parts": parts,
    }
    if view == View.FULL:
        version.update(
            filed_by=filing.filed_by,
            vendor_id=filing.vendor_id,
            signer_id=filing.signer_id,
            verification_statement=filing.verification_statement,
            warnings=list(filing.warnings or []),
        )
    return version


def _legacy_parts(filing: Filing, form: FormDeclaration, view: View) -> list[dict[str, Any]]:
    """A migrated filing's parts as migrated, each field shown by the legacy rule (see `legacy`)."""
    parts = []
    for part in legacy.migrated_parts(filing, form, view):
        name = part.spec.name
        if part.spec.kind == PartKind.RECORD:
            shown = part.shown((filing.records or {})[name])
            fields = [{"name": field, "label": part.label(field), "value": value} for field, value in shown.items()]
            parts.append({"name": name, "label": part.spec.label, "kind": PartKind.RECORD.value, "fields": fields})
        else:
            parts.append(
                {
                    "name": name,
                    "label": part.spec.label,
                    "kind": PartKind.LINES.value,
                    "line_count": filing.line_counts[name],
                    "columns": [],
                }
            )
    return parts


def line_part(filing: Filing, name: str, view: View = View.PUBLIC) -> ShownPart | legacy.LegacyPart | None:
    """A list of line items of the filing as the view shows it: a migrated filing's by the legacy rule, else as
    its form declares it."""
    form = form_of(filing)
    if legacy.is_legacy(filing):
        return legacy.line_part(filing, form, name, view)
    return part_in_view(form, name, PartKind.LINES, view)


def summary(filing: Filing) -> dict[str, Any]:
    """What the list of versions shows of one version."""
    return {
        "amendment": filing.amendment,
        "filed_at": filing.filed_at,
        "status": filing.status,
        "period_start": filing.period_start,
        "period_end": filing.period_end,
    }


def columns(part: ShownPart | legacy.LegacyPart) -> list[dict[str, str]]:
    return [{"name": name, "label": label} for name, label in part.labels.items()]


# -- line items -----------------------------------------------------------------------------------------


def lines_page(
    session: Session, filing: Filing, part: ShownPart | legacy.LegacyPart, after: int, limit: int
) -> dict[str, Any]:
    """Up to `limit` line items of a part after line `after`, in the part's view; `next_after` continues there."""
    rows = session.execute(
        _lines_query(filing.filing_id, filing.amendment, part.spec.name, after).limit(limit + 1)
    ).all()
    more = len(rows) > limit
    rows = rows[:limit]
    lines = [{"line": number, "values": part.shown(data)} for number, data in rows]
    shown_columns = columns(part)
    if isinstance(part, legacy.LegacyPart):
        # A migrated part's columns are the fields its lines on this page hold, in order of first appearance.
        names = dict.fromkeys(name for line in lines for name in line["values"])
        shown_columns = [{"name": name, "label": part.label(name)} for name in names]
    return {
        "view": part.view.value,
        "filing_id": filing.filing_id,
        "amendment": filing.amendment,
        "part": part.spec.name,
        "label": part.spec.label,
        "columns": shown_columns,
        "lines": lines,
        "next_after": rows[-1][0] if more else None,
    }


def lines_in_view(session: Session, filing: Filing, part: ShownPart, after: int = 0) -> Iterator[Line]:
    """Every line item of a part after line `after` in the part's view, in line order, `LINES_CHUNK` at a time."""
    while True:
        rows = session.execute(
            _lines_query(filing.filing_id, filing.amendment, part.spec.name, after).limit(LINES_CHUNK)
        ).all()
        for number, data in rows:
            yield number, part.shown(data)
        if len(rows) < LINES_CHUNK:
            return
        after = rows[-1][0]


def _lines_query(filing_id: str, amendment: int, part: str, after: int) -> Any:
    return (
        select(FilingLine.line, FilingLine.data)
        .where(
            FilingLine.filing_id == filing_id,
            FilingLine.amendment == amendment,
            FilingLine.part == part,
            FilingLine.line > after,
        )
        .order_by(FilingLine.line)
    )


# -- differences between versions -----------------------------------------------------------------------


def diff(session: Session, older: Filing, newer: Filing, limit: int, view: View = View.PUBLIC) -> dict[str, Any]:
    """What changed from `older` to `newer`, in a view: envelope and record fields, and per lines part the
    count of lines added, removed and changed with the first `limit` of those changes.
    """
    form = form_of(newer)
    labels = dict(ENVELOPE_FIELDS)
    envelope = field_changes(_envelope(older), _envelope(newer), list(labels))
    records, lines = [], []
    for part in parts_in_view(form, view):
        if part.spec.kind == PartKind.RECORD:
            changes = field_changes(_record_of(part, older), _record_of(part, newer), list(part.labels))
            if changes:
                records.append(
                    {
                        "part": part.spec.name,
                        "label": part.spec.label,
                        "changes": [_field_change(change, part.labels) for change in changes],
                    }
                )
        elif any(part.spec.name in (filing.line_counts or {}) for filing in (older, newer)):
            tallied = _tallied_line_changes(session, older, newer, part, limit)
            if tallied is not None:
                lines.append(tallied)
    return {
        **_diff_ends(older, newer, form),
        "view": view.value,
        "changes": [_field_change(change, labels) for change in envelope],
        "records": records,
        "lines": lines,
    }


def _tallied_line_changes(
    session: Session, older: Filing, newer: Filing, part: ShownPart, limit: int
) -> dict[str, Any] | None:
    """Every line change of a part counted, the first `limit` listed; None when its lines did not change."""
    tally = LineTally()
    shown: list[LineChange] = []
    for change in _part_line_changes(session, older, newer, part, after=0):
        tally.count(change)
        if len(shown) <= limit:
            shown.append(change)
    if not tally.total:
        return None
    return {
        "part": part.spec.name,
        "label": part.spec.label,
        "added": tally.added,
        "removed": tally.removed,
        "changed": tally.changed,
        **_line_changes_page(shown, limit, part.labels, after=0, keyed=natural_key(part) is not None),
    }


def diff_lines_page(
    session: Session, older: Filing, newer: Filing, part: ShownPart, after: int, limit: int
) -> dict[str, Any]:
    """The next `limit` line changes of one lines part after cursor `after` (a diff's `next_after`)."""
    shown = list(islice(_part_line_changes(session, older, newer, part, after), limit + 1))
    return {
        **_diff_ends(older, newer, form_of(newer)),
        "view": part.view.value,
        "part": part.spec.name,
        "label": part.spec.label,
        **_line_changes_page(shown, limit, part.labels, after=after, keyed=natural_key(part) is not None),
    }


def natural_key(part: ShownPart) -> Callable[[Mapping[str, Any]], Hashable] | None:
    """What identifies a line across versions, when the part declares one (a transaction ID)."""
    if NATURAL_KEY not in part.labels:
        return None
    return lambda line: line.get(NATURAL_KEY)


def _part_line_changes(
    session: Session, older: Filing, newer: Filing, part: ShownPart, after: int
) -> Iterator[LineChange]:
    """The line changes of a part after cursor `after`: a line number when lines match by position; when they
    match by natural key (changes then come out of line order), the number of changes listed before.
    """
    key = natural_key(part)
    if key is None:
        return line_changes(
            lines_in_view(session, older, part, after),
            lines_in_view(session, newer, part, after),
            field_order=list(part.labels),
        )
    changes = line_changes(
        lines_in_view(session, older, part),
        lines_in_view(session, newer, part),
        key=key,
        field_order=list(part.labels),
    )
    return islice(changes, after, None)


def _line_changes_page(
    shown: list[LineChange], limit: int, labels: Mapping[str, str], *, after: int, keyed: bool
) -> dict[str, Any]:
    more = len(shown) > limit
    shown = shown[:limit]
    if not more:
        next_after = None
    elif keyed:
        next_after = after + len(shown)
    else:
        next_after = shown[-1].line
    return {
        "line_changes": [
            {
                "kind": change.kind.value,
                "line": change.line,
                "old_line": change.old_line,
                "new_line": change.new_line,
                "changes": [_field_change(field, labels) for field in change.fields],
            }
            for change in shown
        ],
        "next_after": next_after,
    }


def _diff_ends(older: Filing, newer: Filing, form: FormDeclaration) -> dict[str, Any]:
    return {
        "filing_id": newer.filing_id,
        "form": newer.form,
        "form_name": form.name,
        "from_version": summary(older),
        "to_version": summary(newer),
    }


def _envelope(filing: Filing) -> dict[str, Any]:
    return {
        "period_start": filing.period_start.isoformat() if filing.period_start else None,
        "period_end": filing.period_end.isoformat() if filing.period_end else None,
        "signer_name": filing.signer_name,
    }


def _record_of(part: ShownPart, filing: Filing) -> dict[str, Any] | None:
    record = (filing.records or {}).get(part.spec.name)
    return None if record is None else part.shown(record)


def _field_change(change: FieldChange, labels: Mapping[str, str]) -> dict[str, Any]:
    return {
        "field": change.field,
        "label": labels.get(change.field, change.field),
        "old": change.old,
        "new": change.new,
    }


# -- an entity's filings ---------------------------------------------------------------------------------


def entity_filings(
    session: Session, entity_id: str, reader: Reader, before: tuple[datetime, str] | None, limit: int
) -> dict[str, Any] | None:
    """The entity's filings the reader may see, newest first by when first filed, each in its latest version.

    None when there is no such entity the reader may see. `before` is the keyset cursor of the previous page.
    """
    entity = session.get(Entity, entity_id)
    if entity is None:
        return None
    if entity.space == Space.PRODUCTION:
        visible = Filing.space == Space.PRODUCTION
    elif reader.is_staff:
        visible = Filing.space == entity.space
    elif reader.sandbox_vendor_id is not None:
        # A sandbox entity shows a vendor only the filings that vendor made.
        visible = and_(Filing.space == entity.space, Filing.vendor_id == reader.sandbox_vendor_id)
    else:
        return None
    histories = (
        select(
            Filing.filing_id,
            func.min(Filing.filed_at).label("first_filed_at"),
            func.max(Filing.amendment).label("latest"),
        )
        .where(Filing.entity_id == entity_id, visible)
        .group_by(Filing.filing_id)
        .subquery()
    )
    query = select(Filing, histories.c.first_filed_at).join(
        histories, and_(Filing.filing_id == histories.c.filing_id, Filing.amendment == histories.c.latest)
    )
    if before is not None:
        filed_at, filing_id = before
        query = query.where(
            or_(
                histories.c.first_filed_at < filed_at,
                and_(histories.c.first_filed_at == filed_at, Filing.filing_id < filing_id),
            )
        )
    rows = session.execute(
        query.order_by(histories.c.first_filed_at.desc(), Filing.filing_id.desc()).limit(limit + 1)
    ).all()
    if entity.space != Space.PRODUCTION and not reader.is_staff and not rows and before is None:
        return None
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "entity_id": entity.entity_id,
        "entity_name": entity.name,
        "items": [
            {
                "filing_id": filing.filing_id,
                "form": filing.form,
                "form_name": form_of(filing).name,
                "period_start": filing.period_start,
                "period_end": filing.period_end,
                "latest_amendment": filing.amendment,
                "first_filed_at": first_filed_at,
                "filed_at": filing.filed_at,
                "status": filing.status,
            }
            for filing, first_filed_at in rows
        ],
        "next_before": (rows[-1][1], rows[-1][0].filing_id) if more else None,
    }

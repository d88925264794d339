"""What the public sees of filings migrated from CAL-ACCESS (`source = 'legacy'`).

A migrated filing keeps CAL-ACCESS's records and line items as migrated: legacy column names, some given the
readable names of the form declarations (`contributor_name`, `amount`, `date`, `employer`...), under the part
names the migration gave them (`cover`, `filer_filing`, `schedule_a`, `f497p1`, `summary_f460`,
`memo_schedule_a`, `election_splits`...), whether or not its form has a declaration in CARS. Every part it has
is shown, by one rule over its fields, consistent with the form declarations:

- public: names, cities, states and ZIP codes, employers and occupations, amounts, dates, codes, descriptions,
  memo text, IDs, and the migration's own `legacy_flags` (which name columns and codes, never addresses);
- never public, whoever the party is: street address lines (`*ADR1`, `*ADR2`, `*ADDR*`, `*STREET*`),
  telephone and fax numbers (`*PHON*`, `*FAX*`), e-mail addresses (`*EMAIL*`) and bank account numbers
  (`ACCOUNT_NO`, `*ACCT_NO*`). The declarations keep an individual's street address and personal telephone
  private; legacy rows often do not say whether a party is an individual (ENTITY_CD is sometimes blank), so
  these columns are left out for every party, as a declaration does for a contributor of unknown type;
- and a field the form's declaration of that part marks private (or private in some records) is left out too.

Fields are labelled as the declaration labels them, else by their legacy name. The full view (for those
entitled) shows every value as migrated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from filings.domain.forms import FormDeclaration
from filings.domain.forms.declaration import PartKind, PartSpec
from filings.models import Filing
from filings.versions.visibility import View

LEGACY_SOURCE = "legacy"
PRIVATE_COLUMN = re.compile(r"ADR1|ADR2|ADDR|STREET|PHON|FAX|EMAIL|ACCOUNT_NO|ACCT_NO", re.IGNORECASE)
"""Legacy columns never shown publicly: street address lines, telephone and fax numbers, e-mail, bank accounts."""

RECORD_LABELS = {"cover": "Cover page (CAL-ACCESS)", "filer_filing": "Filing index entry (CAL-ACCESS)"}


def is_legacy(filing: Filing) -> bool:
    return filing.source == LEGACY_SOURCE


def is_public_column(name: str) -> bool:
    """Whether a legacy column (or the readable name the migration gave it) may be shown publicly."""
    return PRIVATE_COLUMN.search(name) is None


def part_label(name: str) -> str:
    """A plain label for a legacy part: `Schedule A (CAL-ACCESS)`, `f497p1 (CAL-ACCESS)`."""
    if name in RECORD_LABELS:
        return RECORD_LABELS[name]
    if name.startswith("schedule_"):
        return f"Schedule {name.removeprefix('schedule_').replace('_', '-').upper()} (CAL-ACCESS)"
    return f"{name} (CAL-ACCESS)"


@dataclass(frozen=True)
class LegacyPart:
    """A part of a migrated filing, shown by the legacy rule; its fields are those its records hold."""

    form: FormDeclaration
    spec: PartSpec
    view: View = View.PUBLIC
    declared_labels: dict[str, str] = field(default_factory=dict)
    hidden: frozenset[str] = frozenset()
    """Fields the form's declaration of this part keeps private, in all records or in some."""

    @property
    def labels(self) -> dict[str, str]:
        """No declared column list: a migrated part's columns are the fields of its lines (see `lines_page`)."""
        return {}

    def label(self, name: str) -> str:
        return self.declared_labels.get(name, name)

    def shown(self, record: Mapping[str, Any]) -> dict[str, Any]:
        if self.view == View.FULL:
            return dict(record)
        hidden = self.hidden
        return {name: value for name, value in record.items() if name not in hidden and is_public_column(name)}


def legacy_part(form: FormDeclaration, name: str, kind: PartKind, view: View = View.PUBLIC) -> LegacyPart:
    declared = next((spec for spec in form.parts if spec.name == name and spec.kind == kind), None)
    if declared is None:
        return LegacyPart(form, PartSpec(name, part_label(name), kind, ()), view)
    hidden = frozenset(
        spec.name for spec in declared.fields if not (declared.public and spec.public) or spec.private_when
    )
    labels = {spec.name: spec.label for spec in declared.fields}
    return LegacyPart(form, PartSpec(name, f"{declared.label} (CAL-ACCESS)", kind, ()), view, labels, hidden)


def migrated_parts(filing: Filing, form: FormDeclaration, view: View = View.PUBLIC) -> list[LegacyPart]:
    """A migrated filing's record parts, then its line parts, in name order."""
    records = sorted(filing.records or {})
    lines = sorted(filing.line_counts or {})
    return [legacy_part(form, name, PartKind.RECORD, view) for name in records] + [
        legacy_part(form, name, PartKind.LINES, view) for name in lines
    ]


def line_part(filing: Filing, form: FormDeclaration, name: str, view: View = View.PUBLIC) -> LegacyPart | None:
    """A migrated filing's line part of this name, if it has one."""
    if not is_legacy(filing) or name not in (filing.line_counts or {}):
        return None
    return legacy_part(form, name, PartKind.LINES, view)

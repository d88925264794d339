"""The public event contracts: a small, versioned set holding only public fields (marshmallow allow-lists).

They are separate from the internal events: a field appears in a public event only when it is declared here,
whatever an internal event carries. A breaking change is a new version of the type, published beside the old.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, fields

EXCHANGE = "cars.public"


class PublicEnvelope(Schema):
    """What every public event carries around its payload."""

    event_id = fields.UUID(required=True, metadata={"description": "Unique id; the same event always has the same"})
    type = fields.String(required=True, metadata={"description": "Public event type, also the AMQP routing key"})
    version = fields.Integer(required=True, metadata={"description": "Version of the type's payload contract"})
    occurred_at = fields.AwareDateTime(required=True, metadata={"description": "When it happened in CARS (UTC)"})
    sequence = fields.Integer(required=True, metadata={"description": "Position in the one public order"})
    payload = fields.Dict(required=True)


class EntityRegistered(Schema):
    entity_id = fields.String(required=True)
    name = fields.String(required=True)
    entity_type = fields.String(required=True)
    registered_on = fields.Date(required=True)
    registration_form = fields.String(required=True, allow_none=True)
    filing_id = fields.String(required=True)
    filing_url = fields.Url(required=True, metadata={"description": "The public registration filing"})


class EntityUpdated(Schema):
    entity_id = fields.String(required=True)
    name = fields.String(required=True)
    entity_type = fields.String(required=True)
    changed = fields.List(fields.String(), required=True, metadata={"description": "Names of the changed fields"})
    filing_id = fields.String(required=True)
    amendment = fields.Integer(required=True)
    filing_url = fields.Url(required=True, metadata={"description": "The public registration amendment"})


class EntityTerminated(Schema):
    entity_id = fields.String(required=True)
    name = fields.String(required=True)
    entity_type = fields.String(required=True)
    terminated_on = fields.Date(required=True)
    filing_id = fields.String(required=True)
    filing_url = fields.Url(required=True, metadata={"description": "The public termination filing"})


class FilingAccepted(Schema):
    filing_id = fields.String(required=True)
    amendment = fields.Integer(required=True, metadata={"description": "Version number; 0 is the original"})
    entity_id = fields.String(required=True)
    entity_name = fields.String(required=True)
    form = fields.String(required=True, metadata={"description": "Form code, e.g. F460"})
    form_name = fields.String(required=True, metadata={"description": "Plain-language name of the form"})
    period_start = fields.Date(required=True, allow_none=True)
    period_end = fields.Date(required=True, allow_none=True)
    filed_at = fields.AwareDateTime(required=True)
    totals = fields.Dict(
        keys=fields.String(),
        values=fields.Decimal(as_string=True),
        required=True,
        metadata={"description": "Totals the form declares, in dollars as decimal text"},
    )
    filing_url = fields.Url(required=True, metadata={"description": "This version of the filing, public view"})


class FilingAmended(FilingAccepted):
    previous_amendment = fields.Integer(required=True, metadata={"description": "The version this one replaces"})


class FineAssessed(Schema):
    fine_id = fields.String(required=True, metadata={"description": "The fine; later assessments of it repeat it"})
    entity_id = fields.String(required=True)
    entity_name = fields.String(required=True)
    form = fields.String(required=True)
    form_name = fields.String(required=True)
    period_start = fields.Date(required=True, allow_none=True)
    period_end = fields.Date(required=True, allow_none=True)
    deadline = fields.Date(required=True)
    days_late = fields.Integer(required=True)
    filing_id = fields.String(required=True, allow_none=True, metadata={"description": "Null while still missing"})
    assessed_on = fields.Date(required=True)
    amount_cents = fields.Integer(required=True, metadata={"description": "What this assessment adds (or corrects)"})
    fine_cents = fields.Integer(required=True, metadata={"description": "The fine so far"})
    cap_cents = fields.Integer(required=True)
    final = fields.Boolean(required=True, metadata={"description": "True once the filing arrived"})


class FineWaived(Schema):
    fine_id = fields.String(required=True)
    entity_id = fields.String(required=True)
    waived_on = fields.Date(required=True)
    waived_cents = fields.Integer(required=True, metadata={"description": "The amount of the fine waived"})


@dataclass(frozen=True)
class PublicEventSpec:
    """One public event type at one version: its allow-list, what it means and an example payload."""

    type: str
    version: int
    schema: type[Schema]
    description: str
    example: dict[str, Any]


ENTITY_ID = "1400001"
FILING_ID = "b2e1d2ef-1c4b-4a8f-9b51-4a6c7d2e3f40"
REGISTRATION_ID = "a1f0c1de-0b3a-4f7e-8a40-3f5b6c1d2e3f"
FILING_EXAMPLE = {
    "filing_id": FILING_ID,
    "amendment": 0,
    "entity_id": ENTITY_ID,
    "entity_name": "Friends of Example for Assembly 2026",
    "form": "F460",
    "form_name": "Recipient Committee Campaign Statement",
    "period_start": "2026-01-01",
    "period_end": "2026-06-30",
    "filed_at": "2026-07-31T17:00:00+00:00",
    "totals": {"contributions_received": "1500.00", "expenditures_made": "250.00"},
    "filing_url": f"https://cars.sos.ca.gov/api/filings/v1/filings/{FILING_ID}/versions/0",
}

PUBLIC_EVENTS: tuple[PublicEventSpec, ...] = (
    PublicEventSpec(
        "entity.registered",
        1,
        EntityRegistered,
        "A committee, candidate, lobbyist, firm or employer was put on file.",
        {
            "entity_id": ENTITY_ID,
            "name": "Friends of Example for Assembly 2026",
            "entity_type": "recipient_committee",
            "registered_on": "2026-03-02",
            "registration_form": "F410",
            "filing_id": REGISTRATION_ID,
            "filing_url": f"https://cars.sos.ca.gov/api/filings/v1/filings/{REGISTRATION_ID}",
        },
    ),
    PublicEventSpec(
        "entity.updated",
        1,
        EntityUpdated,
        "A registration amendment changed an entity's public record; `changed` names the fields.",
        {
            "entity_id": ENTITY_ID,
            "name": "Friends of Example for Assembly 2026",
            "entity_type": "recipient_committee",
            "changed": ["name"],
            "filing_id": REGISTRATION_ID,
            "amendment": 1,
            "filing_url": f"https://cars.sos.ca.gov/api/filings/v1/filings/{REGISTRATION_ID}/versions/1",
        },
    ),
    PublicEventSpec(
        "entity.terminated",
        1,
        EntityTerminated,
        "An entity ended (committee terminated, lobbying registration withdrawn).",
        {
            "entity_id": ENTITY_ID,
            "name": "Friends of Example for Assembly 2026",
            "entity_type": "recipient_committee",
            "terminated_on": "2027-01-15",
            "filing_id": REGISTRATION_ID,
            "filing_url": f"https://cars.sos.ca.gov/api/filings/v1/filings/{REGISTRATION_ID}",
        },
    ),
    PublicEventSpec(
        "filing.accepted",
        1,
        FilingAccepted,
        "A filing was accepted and is public; `filing_url` reads it.",
        FILING_EXAMPLE,
    ),
    PublicEventSpec(
        "filing.amended",
        1,
        FilingAmended,
        "An amendment replaced a filing; both versions stay public.",
        {
            **FILING_EXAMPLE,
            "amendment": 1,
            "previous_amendment": 0,
            "filed_at": "2026-08-15T17:00:00+00:00",
            "totals": {"contributions_received": "1750.00", "expenditures_made": "250.00"},
            "filing_url": f"https://cars.sos.ca.gov/api/filings/v1/filings/{FILING_ID}/versions/1",
        },
    ),
    PublicEventSpec(
        "fine.assessed",
        1,
        FineAssessed,
        "A late filing fine accrued, or was corrected once the filing's final lateness was known (`final`).",
        {
            "fine_id": "7d3e0b2c-1f4a-4c59-9e8d-2a6b5c4d3e21",
            "entity_id": ENTITY_ID,
            "entity_name": "Friends of Example for Assembly 2026",
            "form": "F460",
            "form_name": "Recipient Committee Campaign Statement",
            "period_start": "2026-01-01",
            "period_end": "2026-06-30",
            "deadline": "2026-07-31",
            "days_late": 3,
            "filing_id": None,
            "assessed_on": "2026-08-03",
            "amount_cents": 3000,
            "fine_cents": 3000,
            "cap_cents": 10000,
            "final": False,
        },
    ),
    PublicEventSpec(
        "fine.waived",
        1,
        FineWaived,
        "Staff waived a late filing fine (the lateness was not wilful).",
        {
            "fine_id": "7d3e0b2c-1f4a-4c59-9e8d-2a6b5c4d3e21",
            "entity_id": ENTITY_ID,
            "waived_on": "2026-09-01",
            "waived_cents": 3000,
        },
    ),
)

SPECS: dict[tuple[str, int], PublicEventSpec] = {(spec.type, spec.version): spec for spec in PUBLIC_EVENTS}
TYPES: tuple[str, ...] = tuple(dict.fromkeys(spec.type for spec in PUBLIC_EVENTS))


def spec_of(type_: str, version: int = 1) -> PublicEventSpec:
    """The contract of a public event type at a version (LookupError when there is none)."""
    try:
        return SPECS[(type_, version)]
    except KeyError:
        raise LookupError(f"no public event {type_} v{version}") from None

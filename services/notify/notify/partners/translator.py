"""The one translator from internal events to public events, built only from allow-listed fields.

Each public payload is assembled field by field from what its contract declares and then dumped through that
contract, so a field added upstream never reaches partners until it is named here. Sandbox data never goes out.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from marshmallow import ValidationError

from notify.partners.contracts import spec_of

# Public event ids derive from the internal ones, so translating an event twice gives the same public event.
PUBLIC_EVENT_NAMESPACE = uuid.UUID("5b1f7a0e-3c2d-4e8f-9a6b-7c1d2e3f4a5b")
# Filings numbers sandbox entities "S0000001" up; production ids are digits. Filings publishes nothing of the
# sandbox, and this keeps it so should that ever change.
SANDBOX_ENTITY_PREFIX = "S"
SANDBOX_SPACE = "sandbox"


@dataclass(frozen=True)
class PublicEvent:
    """A public event before it has its place in the feed (its sequence)."""

    event_id: str
    type: str
    version: int
    occurred_at: datetime
    entity_id: str | None
    payload: dict[str, Any]

    def body(self, sequence: int) -> dict[str, Any]:
        """The event as partners receive it, at its place in the feed."""
        return {
            "event_id": self.event_id,
            "type": self.type,
            "version": self.version,
            "occurred_at": self.occurred_at.isoformat(),
            "sequence": sequence,
            "payload": self.payload,
        }


def filing_url(portal_url: str, filing_id: str, amendment: int | None = None) -> str:
    """The public view of a filing, or of one of its versions."""
    url = f"{portal_url.rstrip('/')}/api/filings/v1/filings/{filing_id}"
    return url if amendment is None else f"{url}/versions/{amendment}"


def _copied(p: dict[str, Any], *names: str) -> dict[str, Any]:
    """The named fields of an internal payload, under the same names (each one allow-listed by being named)."""
    return {name: p[name] for name in names}


ENTITY_FIELDS = ("entity_id", "name", "entity_type")
PERIOD_FIELDS = ("entity_id", "entity_name", "form", "form_name", "period_start", "period_end")


def _entity_registered(p: dict[str, Any], portal: str) -> dict[str, Any]:
    return {
        **_copied(p, *ENTITY_FIELDS, "registered_on", "filing_id"),
        "registration_form": p.get("registration_form"),
        "filing_url": filing_url(portal, p["filing_id"]),
    }


def _entity_updated(p: dict[str, Any], portal: str) -> dict[str, Any]:
    return {
        **_copied(p, *ENTITY_FIELDS, "filing_id", "amendment"),
        "changed": list(p["changed"]),
        "filing_url": filing_url(portal, p["filing_id"], p["amendment"]),
    }


def _entity_terminated(p: dict[str, Any], portal: str) -> dict[str, Any]:
    return {
        **_copied(p, *ENTITY_FIELDS, "terminated_on", "filing_id"),
        "filing_url": filing_url(portal, p["filing_id"]),
    }


def _filing(p: dict[str, Any], portal: str) -> dict[str, Any]:
    return {
        **_copied(p, "filing_id", "amendment", *PERIOD_FIELDS, "filed_at"),
        "totals": dict(p.get("totals") or {}),
        "filing_url": filing_url(portal, p["filing_id"], p["amendment"]),
    }


def _filing_amended(p: dict[str, Any], portal: str) -> dict[str, Any]:
    return {**_filing(p, portal), "previous_amendment": p["previous_amendment"]}


def _fine_assessed(p: dict[str, Any], portal: str) -> dict[str, Any]:
    return {
        **_copied(
            p, *PERIOD_FIELDS, "deadline", "days_late", "filing_id", "amount_cents", "fine_cents", "cap_cents", "final"
        ),
        "fine_id": p["item_id"],
        "assessed_on": p["effective_on"],
    }


def _fine_waived(p: dict[str, Any], portal: str) -> dict[str, Any]:
    # The waiver's reason is staff's note about the filer's circumstances: never public.
    return {
        "fine_id": p["item_id"],
        "entity_id": p["entity_id"],
        "waived_on": p["effective_on"],
        "waived_cents": abs(p["amount_cents"]),
    }


Builder = Callable[[dict[str, Any], str], dict[str, Any]]

TRANSLATIONS: dict[tuple[str, str], tuple[str, Builder]] = {
    ("filings", "entity_registered"): ("entity.registered", _entity_registered),
    ("filings", "entity_updated"): ("entity.updated", _entity_updated),
    ("filings", "entity_terminated"): ("entity.terminated", _entity_terminated),
    ("filings", "filing_accepted"): ("filing.accepted", _filing),
    ("filings", "filing_amended"): ("filing.amended", _filing_amended),
    ("fees", "fine_assessed"): ("fine.assessed", _fine_assessed),
    ("fees", "fine_waived"): ("fine.waived", _fine_waived),
}
"""Which internal events become which public event type; no other internal event is ever public."""

PUBLIC_VERSION = 1


def is_sandbox(payload: dict[str, Any]) -> bool:
    entity_id = payload.get("entity_id")
    return payload.get("space") == SANDBOX_SPACE or (
        isinstance(entity_id, str) and entity_id.startswith(SANDBOX_ENTITY_PREFIX)
    )


def public_event_id(producer: str, type_: str, internal_event_id: str) -> str:
    return str(uuid.uuid5(PUBLIC_EVENT_NAMESPACE, f"{producer}.{type_}:{internal_event_id}"))


def translate(event: dict[str, Any], portal_url: str) -> PublicEvent | None:
    """The public event of a checked internal event, or None when it has none (unknown type, sandbox data)."""
    translation = TRANSLATIONS.get((event["producer"], event["type"]))
    if translation is None or is_sandbox(event["payload"]):
        return None
    public_type, build = translation
    schema = spec_of(public_type, PUBLIC_VERSION).schema()
    payload = schema.dump(build(event["payload"], portal_url))
    errors = schema.validate(payload)
    if errors:
        raise ValidationError(errors, data=payload)
    occurred_at = event["occurred_at"]
    if isinstance(occurred_at, str):
        occurred_at = datetime.fromisoformat(occurred_at)
    return PublicEvent(
        event_id=public_event_id(event["producer"], event["type"], str(event["event_id"])),
        type=public_type,
        version=PUBLIC_VERSION,
        occurred_at=occurred_at.astimezone(UTC),
        entity_id=payload.get("entity_id"),
        payload=payload,
    )

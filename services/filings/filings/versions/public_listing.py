"""Everything on the public record, listed page by page: every filing version and every filing entity.

What a full rebuild of the public search index walks. Only production filings and entities are listed, and only
the facts that are public anyway (a version's content is read from the versions routes in the public view).
Keyset-paginated: a listing is stable while filings are added.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import and_, or_, select

from cars_shared.web.app import session_scope
from filings.domain.intake import Space
from filings.domain.registration import ENTITY_RECORD_FIELDS, public_entity_fields
from filings.models import Entity, Filing
from filings.schemas import EntityOut

blueprint = Blueprint(
    "public_listing", __name__, description="Every public filing version and filing entity, page by page"
)

MAX_PAGE = 1000
BAD_CURSOR = "Not a cursor this API gave out; pass `next_after` as it came."


def encode_cursor(*parts: Any) -> str:
    text = "|".join(str(part) for part in parts)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, count: int) -> list[str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        parts = base64.b64decode(padded, altchars=b"-_", validate=True).decode().split("|")
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise ValidationError(BAD_CURSOR) from error
    if len(parts) != count or any(not part or len(part) > 36 for part in parts):
        raise ValidationError(BAD_CURSOR)
    return parts


class FilingVersionsCursor(fields.String):
    """The last (filing ID, amendment) listed, opaque."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> tuple[str, int]:
        filing_id, amendment = decode_cursor(super()._deserialize(value, attr, data, **kwargs), 2)
        if not amendment.isdigit():
            raise ValidationError(BAD_CURSOR)
        return filing_id, int(amendment)


class EntitiesCursor(fields.String):
    """The last entity ID listed, opaque."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return decode_cursor(super()._deserialize(value, attr, data, **kwargs), 1)[0]


class FilingVersionsQuery(Schema):
    after = FilingVersionsCursor(metadata={"description": "Keyset cursor: `next_after` of the previous page."})
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1, max=MAX_PAGE))


class EntitiesQuery(Schema):
    after = EntitiesCursor(metadata={"description": "Keyset cursor: `next_after` of the previous page."})
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1, max=MAX_PAGE))


class FilingVersionItemOut(Schema):
    filing_id = fields.String(required=True)
    amendment = fields.Integer(required=True)
    entity_id = fields.String(required=True)
    form = fields.String(required=True)
    filed_at = fields.AwareDateTime(required=True)


class FilingVersionsOut(Schema):
    items = fields.List(fields.Nested(FilingVersionItemOut), required=True)
    next_after = fields.String(allow_none=True, metadata={"description": "Pass as `after`; null on the last page."})


class EntitiesOut(Schema):
    items = fields.List(fields.Nested(EntityOut), required=True)
    next_after = fields.String(allow_none=True, metadata={"description": "Pass as `after`; null on the last page."})


@blueprint.route("/v1/public/filing-versions", methods=["GET"])
@blueprint.arguments(FilingVersionsQuery, location="query")
@blueprint.response(200, FilingVersionsOut)
def filing_versions(query: dict[str, Any]) -> dict[str, Any]:
    """Every version of every public filing, by filing ID then amendment (read each at
    `/v1/filings/<id>/versions/<amendment>`)."""
    statement = select(Filing.filing_id, Filing.amendment, Filing.entity_id, Filing.form, Filing.filed_at).where(
        Filing.space == Space.PRODUCTION
    )
    if query.get("after"):
        filing_id, amendment = query["after"]
        statement = statement.where(
            or_(Filing.filing_id > filing_id, and_(Filing.filing_id == filing_id, Filing.amendment > amendment))
        )
    with session_scope() as session:
        rows = session.execute(statement.order_by(Filing.filing_id, Filing.amendment).limit(query["limit"] + 1)).all()
    more = len(rows) > query["limit"]
    rows = rows[: query["limit"]]
    return {
        "items": [row._asdict() for row in rows],
        "next_after": encode_cursor(rows[-1].filing_id, rows[-1].amendment) if more else None,
    }


@blueprint.route("/v1/public/entities", methods=["GET"])
@blueprint.arguments(EntitiesQuery, location="query")
@blueprint.response(200, EntitiesOut)
def entities(query: dict[str, Any]) -> dict[str, Any]:
    """Every public filing entity's public record, by entity ID."""
    statement = select(Entity).where(Entity.space == Space.PRODUCTION)
    if query.get("after"):
        statement = statement.where(Entity.entity_id > query["after"])
    with session_scope() as session:
        found = list(session.scalars(statement.order_by(Entity.entity_id).limit(query["limit"] + 1)))
        more = len(found) > query["limit"]
        found = found[: query["limit"]]
        items = [public_record(entity) for entity in found]
    return {"items": items, "next_after": encode_cursor(found[-1].entity_id) if more else None}


def public_record(entity: Entity) -> dict[str, Any]:
    """An entity's public record: what its registration forms make public."""
    shown = public_entity_fields(entity.entity_type)
    return {
        "entity_id": entity.entity_id,
        "status": entity.status,
        "legacy": entity.legacy,
        "registered_on": entity.registered_on,
        "terminated_on": entity.terminated_on,
        **{name: getattr(entity, name) for name in ENTITY_RECORD_FIELDS if name in shown},
    }

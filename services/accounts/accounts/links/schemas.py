"""marshmallow schemas of the entity link, administered account and partner grant routes."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from accounts.domain import entity_links as rules
from accounts.schemas import SignUpIn

ENTITY_ID = r"^[A-Za-z0-9]{1,20}$"
ENTITY_ID_FIELD = {"validate": validate.Regexp(ENTITY_ID, error="An entity ID is 1 to 20 letters or digits.")}
ROLE_FIELD = {"validate": validate.OneOf(rules.ROLES_ON_ENTITY)}
MAX_BULK_CODES = 1000


class LinkRequestIn(Schema):
    entity_id = fields.String(required=True, **ENTITY_ID_FIELD)
    role = fields.String(
        required=True,
        metadata={"description": "officer files and manages links; agent files; viewer reads."},
        **ROLE_FIELD,
    )
    access_code = fields.String(
        validate=validate.Length(min=1, max=40),
        load_only=True,
        metadata={
            "description": "The code from the letter sent to a migrated entity's address of record: "
            "claims an unclaimed migrated entity at once, as its officer."
        },
    )


class LinkOut(Schema):
    link_id = fields.String(required=True, attribute="id")
    user_id = fields.String(required=True)
    entity_id = fields.String(required=True)
    role = fields.String(required=True, **ROLE_FIELD)
    status = fields.String(
        required=True, validate=validate.OneOf((rules.PENDING, rules.APPROVED, rules.DENIED, rules.REVOKED))
    )
    created_at = fields.AwareDateTime(required=True)


class LinksOut(Schema):
    items = fields.List(fields.Nested(LinkOut), required=True)


class DecisionIn(Schema):
    reason = fields.String(validate=validate.Length(max=500), load_default=None)


class RoleChangeIn(Schema):
    role = fields.String(required=True, **ROLE_FIELD)


class LimitQuery(Schema):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class AdministeredUserIn(SignUpIn):
    roles = fields.List(
        fields.String(validate=validate.OneOf(rules.ADMINISTERED_ROLES)),
        required=True,
        validate=validate.Length(min=1, max=len(rules.ADMINISTERED_ROLES)),
    )


class AdministeredUserOut(Schema):
    user_id = fields.String(required=True)
    username = fields.String(required=True)
    email = fields.String(required=True)
    roles = fields.List(fields.String(), required=True)


class AccessCodesIn(Schema):
    entity_ids = fields.List(
        fields.String(**ENTITY_ID_FIELD),
        validate=validate.Length(min=1, max=MAX_BULK_CODES),
        metadata={"description": "The migrated entities to send a code to."},
    )
    all_unclaimed = fields.Boolean(
        load_default=False,
        metadata={"description": f"Instead: every unclaimed migrated entity (up to {MAX_BULK_CODES} per call)."},
    )

    @validates_schema
    def one_selection(self, data: dict, **_kwargs: object) -> None:
        if bool(data.get("entity_ids")) == bool(data.get("all_unclaimed")):
            raise ValidationError("Give either entity_ids or all_unclaimed: true.", "entity_ids")


class IssuedCodeOut(Schema):
    code_id = fields.String(required=True)
    entity_id = fields.String(required=True)
    expires_on = fields.Date(required=True)


class IssuedCodesOut(Schema):
    items = fields.List(fields.Nested(IssuedCodeOut), required=True)


class PartnerGrantIn(Schema):
    partner_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    entity_id = fields.String(required=True, **ENTITY_ID_FIELD)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)


class PartnerGrantOut(Schema):
    grant_id = fields.String(required=True, attribute="id")
    partner_id = fields.String(required=True)
    entity_id = fields.String(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    granted_by = fields.String(required=True)
    revoked_at = fields.AwareDateTime(allow_none=True)


class PartnerGrantsOut(Schema):
    items = fields.List(fields.Nested(PartnerGrantOut), required=True)


class PartnerGrantsQuery(LimitQuery):
    partner_id = fields.String(validate=validate.Length(min=1, max=36))

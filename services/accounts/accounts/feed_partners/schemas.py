"""marshmallow schemas of the feed partner API."""

from marshmallow import Schema, fields, validate

from accounts.client_credential_schemas import (
    KEY_STATUSES,
    AccessTokenOut,
    ClientCredentialsIn,
    KeyOut,
    KeyRotationIn,
    NewKeyOut,
)
from accounts.feed_partners import rules
from accounts.vendors.schemas import PRINTABLE

STATUSES = KEY_STATUSES


class FeedPartnerIn(Schema):
    name = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=200), PRINTABLE],
        metadata={"description": "The organisation's name, 1 to 200 printable characters.", "example": "FPPC"},
    )
    contact_email = fields.Email(required=True, validate=validate.Length(max=254))
    slug = fields.String(
        load_default=None,
        validate=validate.Regexp(
            rules.SLUG_PATTERN, error="Use 1 to 40 lower-case letters, digits and hyphens, not at either end."
        ),
        metadata={
            "description": "Names its broker user partner-<slug> and its queues partner-<slug>.<anything>; "
            "default: made from the name. Never reused, even after revocation."
        },
    )


class FeedPartnerOut(Schema):
    feed_partner_id = fields.String(required=True)
    name = fields.String(required=True)
    slug = fields.String(required=True)
    contact_email = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    broker_user = fields.String(required=True, metadata={"example": "partner-fppc"})
    queue_prefix = fields.String(required=True, metadata={"example": "partner-fppc."})
    created_by = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    amqp_password_rotated_at = fields.AwareDateTime(required=True, allow_none=True)
    revoked_by = fields.String(required=True, allow_none=True)
    revoked_at = fields.AwareDateTime(required=True, allow_none=True)


class FeedPartnerListOut(Schema):
    feed_partners = fields.List(fields.Nested(FeedPartnerOut), required=True)


class BrokerPermissionsOut(Schema):
    configure = fields.String(required=True)
    write = fields.String(required=True)
    read = fields.String(required=True)


class AmqpCredentialsOut(Schema):
    username = fields.String(required=True, metadata={"example": "partner-fppc"})
    password = fields.String(
        required=True, metadata={"description": "Shown this once; CARS keeps no copy. Store it safely."}
    )
    vhost = fields.String(required=True)
    url = fields.String(required=True, metadata={"description": "Where to connect (without the credentials)."})
    exchange = fields.String(required=True, metadata={"example": rules.PUBLIC_EXCHANGE})
    queue_prefix = fields.String(
        required=True, metadata={"description": "Declare, bind and consume only queues whose names start with it."}
    )
    permissions = fields.Nested(BrokerPermissionsOut, required=True)


class NewPartnerKeyOut(NewKeyOut):
    key_id = fields.String(required=True, metadata={"example": "fpk_3f9a0c1b2d4e5f607182"})


class FeedPartnerCreatedOut(Schema):
    feed_partner = fields.Nested(FeedPartnerOut, required=True)
    amqp = fields.Nested(AmqpCredentialsOut, required=True)
    credential = fields.Nested(NewPartnerKeyOut, required=True)


class AmqpRotationOut(Schema):
    feed_partner = fields.Nested(FeedPartnerOut, required=True)
    amqp = fields.Nested(AmqpCredentialsOut, required=True)


class PartnerKeyOut(KeyOut):
    """A feed partner's API key as listed."""


class PartnerKeyListOut(Schema):
    credentials = fields.List(fields.Nested(PartnerKeyOut), required=True)


class PartnerKeyRotationIn(KeyRotationIn):
    """Rotating a feed partner's API key."""


class PartnerTokenIn(ClientCredentialsIn):
    key_id = fields.String(
        required=True,
        validate=validate.Regexp(rules.KEY_ID_PATTERN, error="Not a feed partner key id (fpk_ and 20 hex digits)."),
    )


class PartnerTokenOut(AccessTokenOut):
    """A feed partner's access token."""

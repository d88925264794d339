"""marshmallow schemas of client API keys, common to vendors and feed partners; each API subclasses them under
its own names (and key id format)."""

from marshmallow import Schema, fields, validate

from accounts.client_credentials import ACTIVE, REVOKED
from accounts.domain import vendor_credentials as secret_rules

KEY_STATUSES = (ACTIVE, REVOKED)


class NewKeyOut(Schema):
    """A just issued or rotated key with its secret (shown once)."""

    key_id = fields.String(required=True)
    secret = fields.String(
        required=True, metadata={"description": "Shown this once; only a hash of it is kept. Store it safely."}
    )
    created_at = fields.AwareDateTime(required=True)
    previous_secret_valid_until = fields.AwareDateTime(
        required=True,
        allow_none=True,
        metadata={"description": "After a rotation: until when the replaced secret still works."},
    )


class KeyOut(Schema):
    """A key as listed, never its secret."""

    key_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(KEY_STATUSES))
    created_at = fields.AwareDateTime(required=True)
    rotated_at = fields.AwareDateTime(required=True, allow_none=True)
    revoked_at = fields.AwareDateTime(required=True, allow_none=True)
    previous_secret_valid_until = fields.AwareDateTime(required=True, allow_none=True)


class KeyRotationIn(Schema):
    immediately = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Stop the replaced secret at once; otherwise it keeps working for "
            f"{int(secret_rules.ROTATION_OVERLAP.total_seconds() // 60)} minutes."
        },
    )


class ClientCredentialsIn(Schema):
    """A key id and its secret, exchanged for an access token; subclasses check the key id's format."""

    key_id = fields.String(required=True)
    secret = fields.String(
        required=True,
        load_only=True,
        validate=[
            validate.Length(min=1, max=secret_rules.SECRET_MAX_LENGTH),
            validate.Regexp(r"^[\x21-\x7e]+\Z", error="A secret holds only printable ASCII characters."),
        ],
    )


class AccessTokenOut(Schema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    expires_in = fields.Integer(required=True, metadata={"description": "Seconds until the token expires."})

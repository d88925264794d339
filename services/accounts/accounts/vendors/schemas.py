"""marshmallow schemas of the vendor API."""

from marshmallow import Schema, fields, validate

from accounts.client_credential_schemas import (
    AccessTokenOut,
    ClientCredentialsIn,
    KeyOut,
    KeyRotationIn,
    NewKeyOut,
)
from accounts.domain import vendor_credentials as rules
from accounts.vendors.handlers import KEY_ID_PATTERN

PRINTABLE = validate.Regexp(
    r"^(?=.*\S)[^\x00-\x1f\x7f\ud800-\udfff]+\Z", error="Use printable characters, not only spaces."
)


class VendorRegistrationIn(Schema):
    name = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=200), PRINTABLE],
        metadata={"description": "The organisation's name, 1 to 200 printable characters."},
    )
    contact_email = fields.Email(required=True, validate=validate.Length(max=254))


class VendorOut(Schema):
    vendor_id = fields.String(required=True)
    name = fields.String(required=True)
    contact_email = fields.String(required=True)
    certified = fields.Boolean(required=True)
    certified_at = fields.AwareDateTime(required=True, allow_none=True)
    scenarios_passed_at = fields.AwareDateTime(
        required=True,
        allow_none=True,
        metadata={
            "description": "When its sandbox submissions passed every certification scenario (needed to certify)."
        },
    )
    scopes = fields.List(
        fields.String(validate=validate.OneOf(rules.SCOPES)),
        required=True,
        metadata={"description": "Scopes its credentials may request: sandbox always, production once certified."},
    )
    created_at = fields.AwareDateTime(required=True)


class VendorListOut(Schema):
    vendors = fields.List(fields.Nested(VendorOut), required=True)


class NewCredentialOut(NewKeyOut):
    key_id = fields.String(required=True, metadata={"example": "vk_3f9a0c1b2d4e5f607182"})


class VendorRegisteredOut(Schema):
    vendor = fields.Nested(VendorOut, required=True)
    credential = fields.Nested(NewCredentialOut, required=True)


class CredentialOut(KeyOut):
    """A vendor's API key as listed."""


class CredentialListOut(Schema):
    credentials = fields.List(fields.Nested(CredentialOut), required=True)


class RotationIn(KeyRotationIn):
    """Rotating a vendor's API key."""


class CertificationIn(Schema):
    certified = fields.Boolean(required=True)
    reason = fields.String(
        load_default=None,
        allow_none=True,
        validate=[validate.Length(min=1, max=500), PRINTABLE],
        metadata={"description": "Why; required when de-certifying."},
    )


class VendorTokenIn(ClientCredentialsIn):
    key_id = fields.String(
        required=True, validate=validate.Regexp(KEY_ID_PATTERN, error="Not a vendor key id (vk_ and 20 hex digits).")
    )
    scope = fields.String(required=True, validate=validate.OneOf(rules.SCOPES))


class VendorTokenOut(AccessTokenOut):
    scope = fields.String(required=True, validate=validate.OneOf(rules.SCOPES))


class AuthorisationIn(Schema):
    vendor_id = fields.UUID(required=True)


class AuthorisationOut(Schema):
    vendor_id = fields.String(required=True)
    vendor_name = fields.String(required=True)
    entity_id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(("active", "revoked")))
    authorised_by = fields.String(required=True)
    authorised_at = fields.AwareDateTime(required=True)
    revoked_by = fields.String(required=True, allow_none=True)
    revoked_at = fields.AwareDateTime(required=True, allow_none=True)


class AuthorisationListOut(Schema):
    authorisations = fields.List(fields.Nested(AuthorisationOut), required=True)

"""marshmallow schemas of the accounts API."""

from marshmallow import Schema, fields, validate

from accounts.domain import password_policy, username
from cars_shared.events.accounts import ROLES_ON_ENTITY

USERNAME_FIELD = {
    "required": True,
    "validate": [
        validate.Length(min=username.MIN_LENGTH, max=username.MAX_LENGTH),
        validate.Regexp(r"^[A-Za-z0-9._-]+$", error=f"Use only {username.ALLOWED}."),
    ],
    "metadata": {
        "description": f"{username.MIN_LENGTH} to {username.MAX_LENGTH} of {username.ALLOWED}; case-insensitive."
    },
}


class SignUpIn(Schema):
    username = fields.String(**USERNAME_FIELD)
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(
        required=True,
        validate=validate.Length(min=password_policy.MIN_LENGTH, max=password_policy.MAX_LENGTH),
        load_only=True,
        metadata={"description": "12 to 128 characters, not the username, not a commonly used password."},
    )


class UserOut(Schema):
    user_id = fields.String(required=True)
    username = fields.String(required=True)
    email = fields.String(required=True)


class SignInIn(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=username.MAX_LENGTH))
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=password_policy.MAX_LENGTH)
    )


class AccessTokenOut(Schema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    expires_in = fields.Integer(required=True, metadata={"description": "Seconds until the token expires."})


class EntityRoleOut(Schema):
    entity_id = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES_ON_ENTITY))


class MeOut(Schema):
    user_id = fields.String(required=True)
    username = fields.String(required=True)
    email = fields.String(required=True)
    roles = fields.List(fields.String(), required=True)
    entities = fields.List(fields.Nested(EntityRoleOut), required=True)


class JwkOut(Schema):
    kty = fields.String(required=True)
    crv = fields.String(required=True)
    x = fields.String(required=True)
    kid = fields.String(required=True)
    use = fields.String(required=True)
    alg = fields.String(required=True)


class JwksOut(Schema):
    keys = fields.List(fields.Nested(JwkOut), required=True)

"""marshmallow schemas of the accounts API."""

from marshmallow import Schema, fields, validate

from accounts.domain import one_time_token, password_policy, username
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


def new_password_field() -> fields.String:
    return fields.String(
        required=True,
        validate=validate.Length(min=password_policy.MIN_LENGTH, max=password_policy.MAX_LENGTH),
        load_only=True,
        metadata={"description": "12 to 128 characters, not the username, not a commonly used password."},
    )


def current_password_field() -> fields.String:
    return fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=password_policy.MAX_LENGTH))


def token_field(description: str) -> fields.String:
    return fields.String(
        required=True,
        load_only=True,
        validate=validate.Regexp(one_time_token.TOKEN_PATTERN, error="Not a token CARS issued."),
        metadata={"description": description},
    )


def email_field() -> fields.Email:
    return fields.Email(required=True, validate=validate.Length(max=254))


class SignUpIn(Schema):
    username = fields.String(**USERNAME_FIELD)
    email = email_field()
    password = new_password_field()


class UserOut(Schema):
    user_id = fields.String(required=True)
    username = fields.String(required=True)
    email = fields.String(required=True)


class SignInIn(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=username.MAX_LENGTH))
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=password_policy.MAX_LENGTH)
    )


class SignInOut(Schema):
    """Tokens of a new or refreshed session, or (status mfa_required) the challenge of the second step."""

    status = fields.String(required=True, validate=validate.OneOf(("signed_in", "mfa_required")))
    access_token = fields.String()
    token_type = fields.String(metadata={"example": "Bearer"})
    expires_in = fields.Integer(metadata={"description": "Seconds until the access token expires."})
    refresh_token = fields.String(metadata={"description": "Single use: each refresh answers a new one."})
    refresh_expires_in = fields.Integer(metadata={"description": "Seconds until the session ends."})
    session_id = fields.String()
    challenge = fields.String(metadata={"description": "Send it with a TOTP or recovery code to /sessions/mfa."})
    challenge_expires_in = fields.Integer()


class MfaSignInIn(Schema):
    challenge = token_field("The challenge the first sign-in step answered.")
    code = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(min=6, max=20),
        metadata={"description": "The 6-digit code of the authenticator app, or an unused recovery code."},
    )


class RefreshIn(Schema):
    refresh_token = token_field("The newest refresh token of the session.")


class SessionOut(Schema):
    session_id = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    last_used_at = fields.AwareDateTime(required=True)
    expires_at = fields.AwareDateTime(required=True)
    client = fields.String(required=True, allow_none=True)
    user_agent = fields.String(required=True, allow_none=True)
    amr = fields.List(fields.String(), required=True)
    current = fields.Boolean(required=True, metadata={"description": "The session of the calling access token."})


class SessionsOut(Schema):
    sessions = fields.List(fields.Nested(SessionOut), required=True)


class EmailVerificationIn(Schema):
    token = token_field("The token of the link e-mailed to the address.")


class EmailVerifiedOut(Schema):
    user_id = fields.String(required=True)
    email = fields.String(required=True)
    email_verified = fields.Boolean(required=True)


class AcceptedOut(Schema):
    status = fields.String(required=True, metadata={"example": "accepted"})
    detail = fields.String(required=True)


class PasswordResetRequestIn(Schema):
    email = email_field()


class PasswordResetIn(Schema):
    token = token_field("The token of the reset link e-mailed to the account's address.")
    password = new_password_field()


class PasswordChangeIn(Schema):
    current_password = current_password_field()
    password = new_password_field()


class EmailChangeIn(Schema):
    password = current_password_field()
    email = email_field()


class TotpEnrolmentOut(Schema):
    secret = fields.String(required=True, metadata={"description": "Base32 secret, for typing in by hand."})
    otpauth_uri = fields.String(required=True, metadata={"description": "otpauth:// URI to show as a QR code."})


class TotpCodeIn(Schema):
    code = fields.String(
        required=True,
        load_only=True,
        validate=validate.Regexp(r"^\d{6}$", error="Six digits from the authenticator app."),
    )


class RecoveryCodesOut(Schema):
    recovery_codes = fields.List(
        fields.String(), required=True, metadata={"description": "Shown this once; each signs in once without the app."}
    )


class TotpDisableIn(Schema):
    password = current_password_field()
    code = fields.String(required=True, load_only=True, validate=validate.Length(min=6, max=20))


class EntityRoleOut(Schema):
    entity_id = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES_ON_ENTITY))


class MeOut(Schema):
    user_id = fields.String(required=True)
    username = fields.String(required=True)
    email = fields.String(required=True)
    email_verified = fields.Boolean(required=True)
    mfa_enabled = fields.Boolean(required=True)
    mfa_required = fields.Boolean(required=True, metadata={"description": "Staff and officers or agents need MFA."})
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

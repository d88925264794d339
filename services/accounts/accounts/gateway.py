"""The accounts HTTP gateway: sign-up, sign-in and sessions, e-mail and password, MFA, and the signing keys."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from flask import Flask, current_app
from flask_smorest import Blueprint

from accounts import handlers
from accounts.audit import routes as audit_routes
from accounts.domain.one_time_token import EMAIL_VERIFICATION
from accounts.domain.password_policy import PasswordRejected
from accounts.domain.username import UsernameRejected
from accounts.exceptions import (
    ConfirmationFailed,
    EmailAlreadyVerified,
    InvalidChallenge,
    InvalidCredentials,
    InvalidEnrolmentCode,
    InvalidRefreshToken,
    InvalidSecondFactor,
    InvalidToken,
    MfaStateConflict,
    TooManyAttempts,
    UnknownSession,
    UnknownUser,
    UsernameTaken,
)
from accounts.feed_partners import routes as feed_partners_routes
from accounts.links import routes as links_routes
from accounts.request_origin import client_address, user_agent
from accounts.schemas import (
    AcceptedOut,
    EmailChangeIn,
    EmailVerificationIn,
    EmailVerifiedOut,
    JwksOut,
    MeOut,
    MfaSignInIn,
    PasswordChangeIn,
    PasswordResetIn,
    PasswordResetRequestIn,
    RecoveryCodesOut,
    RefreshIn,
    SessionsOut,
    SignInIn,
    SignInOut,
    SignUpIn,
    TotpCodeIn,
    TotpDisableIn,
    TotpEnrolmentOut,
    UserOut,
)
from accounts.signing_key import CachedKeyRing, CurrentSigningKey, KeyRing, KeyRingVerifier, SigningKey
from accounts.vendors import routes as vendors_routes
from cars_shared.web.app import create_gateway, protected, session_scope
from cars_shared.web.auth import current_principal
from cars_shared.web.problems import (
    Conflict,
    Forbidden,
    NotFound,
    Problem,
    ProblemFactory,
    TooManyRequests,
    Unauthorized,
    Unprocessable,
    documents_problems,
)

blueprint = Blueprint("accounts", __name__, description="Accounts, sign-in, sessions and access tokens")

WRONG_CREDENTIALS = "The username or the password is not correct."
KEY_RING_MAX_AGE_SECONDS = 30.0
UUID_PATTERN = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def invalid_token(error: InvalidToken) -> Problem:
    if error.purpose == EMAIL_VERIFICATION:
        return Unprocessable("This verification link is not valid or has expired; ask for a new one.", field="token")
    return Unprocessable("This reset link is not valid or has expired; ask for a new one.", field="token")


def too_many_attempts(error: TooManyAttempts) -> Problem:
    minutes = max(1, round(error.retry_after / 60))
    return TooManyRequests(
        f"Too many failed sign-ins; try again in about {minutes} minute{'s' if minutes != 1 else ''}.",
        retry_after=error.retry_after,
    )


PROBLEMS: dict[type[Exception], ProblemFactory] = {
    UsernameRejected: lambda error: Unprocessable(str(error), field="username"),
    PasswordRejected: lambda error: Unprocessable(str(error), field="password"),
    UsernameTaken: lambda _error: Conflict("This username is taken; choose another.", field="username"),
    InvalidCredentials: lambda _error: Unauthorized(WRONG_CREDENTIALS),
    UnknownUser: lambda _error: Unauthorized("The account of this access token no longer exists."),
    InvalidChallenge: lambda _error: Unauthorized("This sign-in has expired; sign in again with your password."),
    InvalidSecondFactor: lambda _error: Unauthorized("The code is not correct or was used already.", field="code"),
    InvalidRefreshToken: lambda _error: Unauthorized("Your session has ended; sign in again."),
    InvalidToken: invalid_token,
    ConfirmationFailed: lambda error: Forbidden(
        f"The {error.field.replace('_', ' ')} is not correct.", field=error.field
    ),
    MfaStateConflict: lambda error: Conflict(str(error)),
    InvalidEnrolmentCode: lambda _error: Unprocessable(
        "The code does not match; check the authenticator app's clock and try the newest code.", field="code"
    ),
    EmailAlreadyVerified: lambda _error: Conflict("The e-mail address is verified already."),
    UnknownSession: lambda _error: NotFound("You have no active session with this id."),
    TooManyAttempts: too_many_attempts,
}


def key_ring() -> KeyRing:
    return current_app.extensions["accounts.key_ring"].get()


def keeping_refusals() -> Any:
    return handlers.keeping_refusals(session_scope)


def signing_in(step: Callable[..., Any], *credentials: str) -> dict[str, Any]:
    """A sign-in step with the current signing key and the caller's address and user agent, as its answer."""
    with keeping_refusals() as session:
        outcome = step(session, key_ring().current, *credentials, client=client_address(), user_agent=user_agent())
    return asdict(outcome)


def caller() -> tuple[str, str | None]:
    """The calling user's id and session id, from the access token."""
    principal = current_principal()
    return principal.user_id, principal.claims.get("sid")


@blueprint.route("/jwks.json", methods=["GET"])
@blueprint.response(200, JwksOut)
def jwks() -> tuple[dict[str, Any], dict[str, str]]:
    """The public keys that verify access tokens (JWK Set): the signing key and older, unretired ones."""
    return key_ring().jwks(), {"Cache-Control": "public, max-age=300"}


@blueprint.route("/users", methods=["POST"])
@blueprint.arguments(SignUpIn)
@blueprint.response(201, UserOut)
@documents_problems(blueprint, 409)
def sign_up(body: dict[str, Any]) -> dict[str, Any]:
    """Create an account (username, e-mail address, password); a verification link goes to the address."""
    with session_scope() as session:
        user = handlers.register_user(
            session, body["username"], body["email"], body["password"], client=client_address()
        )
        return {"user_id": user.id, "username": user.username, "email": user.email}


@blueprint.route("/sessions", methods=["POST"])
@blueprint.arguments(SignInIn)
@blueprint.response(200, SignInOut)
@documents_problems(blueprint, 401, 429)
def sign_in(body: dict[str, Any]) -> dict[str, Any]:
    """Sign in with username and password: tokens, or status mfa_required with a challenge for /sessions/mfa."""
    return signing_in(handlers.sign_in, body["username"], body["password"])


@blueprint.route("/sessions/mfa", methods=["POST"])
@blueprint.arguments(MfaSignInIn)
@blueprint.response(200, SignInOut)
@documents_problems(blueprint, 401, 429)
def sign_in_second_step(body: dict[str, Any]) -> dict[str, Any]:
    """The second sign-in step: the challenge and a TOTP or recovery code; answers tokens."""
    return signing_in(handlers.complete_mfa_sign_in, body["challenge"], body["code"])


@blueprint.route("/sessions/refresh", methods=["POST"])
@blueprint.arguments(RefreshIn)
@blueprint.response(200, SignInOut)
@documents_problems(blueprint, 401)
def refresh(body: dict[str, Any]) -> dict[str, Any]:
    """New tokens for a refresh token, which is then used up; presenting it again ends the session."""
    with keeping_refusals() as session:
        issued = handlers.refresh_session(session, key_ring().current, body["refresh_token"], client=client_address())
    return asdict(issued)


@blueprint.route("/sessions", methods=["GET"])
@blueprint.response(200, SessionsOut)
@protected(blueprint)
def sessions() -> dict[str, Any]:
    """The caller's active sessions."""
    user_id, current = caller()
    with session_scope() as session:
        handlers.user_by_id(session, user_id)
        found = handlers.active_sessions(session, user_id)
        return {
            "sessions": [
                {
                    "session_id": item.id,
                    "created_at": item.created_at,
                    "last_used_at": item.last_used_at,
                    "expires_at": item.expires_at,
                    "client": item.client,
                    "user_agent": item.user_agent,
                    "amr": list(item.amr),
                    "current": item.id == current,
                }
                for item in found
            ]
        }


@blueprint.route("/sessions", methods=["DELETE"])
@blueprint.response(204)
@protected(blueprint)
def sign_out_everywhere() -> None:
    """End every session of the caller, this one included (access tokens run out within minutes)."""
    user_id, _current = caller()
    with session_scope() as session:
        handlers.user_by_id(session, user_id)
        handlers.revoke_all_sessions(session, user_id, client=client_address())


@blueprint.route("/sessions/<string:session_id>", methods=["DELETE"])
@blueprint.response(204)
@protected(blueprint, 404)
def sign_out_session(session_id: str) -> None:
    """End one of the caller's sessions."""
    user_id, _current = caller()
    with session_scope() as session:
        if not re.fullmatch(UUID_PATTERN, session_id):
            raise UnknownSession(session_id)
        handlers.revoke_session(session, user_id, session_id, client=client_address())


@blueprint.route("/email-verifications", methods=["POST"])
@blueprint.arguments(EmailVerificationIn)
@blueprint.response(200, EmailVerifiedOut)
def verify_email(body: dict[str, Any]) -> dict[str, Any]:
    """Confirm an e-mail address with the token of the link sent to it."""
    with keeping_refusals() as session:
        user = handlers.verify_email(session, body["token"], client=client_address())
        answer = {"user_id": user.id, "email": user.email, "email_verified": user.email_verified}
    return answer


@blueprint.route("/me/email-verification", methods=["POST"])
@blueprint.response(202, AcceptedOut)
@protected(blueprint, 409)
def resend_email_verification() -> dict[str, str]:
    """Send a new verification link to the caller's address."""
    user_id, _current = caller()
    with session_scope() as session:
        handlers.resend_email_verification(session, user_id)
    return {"status": "accepted", "detail": "A new verification link is on its way."}


@blueprint.route("/password-resets", methods=["POST"])
@blueprint.arguments(PasswordResetRequestIn)
@blueprint.response(202, AcceptedOut)
def request_password_reset(body: dict[str, Any]) -> dict[str, str]:
    """E-mail a password reset link to the accounts with this address (the answer is the same for any address)."""
    with session_scope() as session:
        handlers.request_password_reset(session, body["email"], client=client_address())
    return {"status": "accepted", "detail": "If an account uses this address, a reset link is on its way."}


@blueprint.route("/password-resets/complete", methods=["POST"])
@blueprint.arguments(PasswordResetIn)
@blueprint.response(204)
def reset_password(body: dict[str, Any]) -> None:
    """Choose a new password with the token of the e-mailed reset link; every session ends."""
    with keeping_refusals() as session:
        handlers.reset_password(session, body["token"], body["password"], client=client_address())


@blueprint.route("/me/password", methods=["POST"])
@blueprint.arguments(PasswordChangeIn)
@blueprint.response(204)
@protected(blueprint, 403, 429)
def change_password(body: dict[str, Any]) -> None:
    """Change the password (the current one confirms it); the caller's other sessions end."""
    user_id, current = caller()
    with keeping_refusals() as session:
        handlers.change_password(
            session, user_id, body["current_password"], body["password"], session_id=current, client=client_address()
        )


@blueprint.route("/me/email", methods=["POST"])
@blueprint.arguments(EmailChangeIn)
@blueprint.response(202, AcceptedOut)
@protected(blueprint, 403, 429)
def change_email(body: dict[str, Any]) -> dict[str, str]:
    """Change the e-mail address: it takes effect when the link sent to the new address is followed."""
    user_id, _current = caller()
    with keeping_refusals() as session:
        handlers.request_email_change(session, user_id, body["password"], body["email"], client=client_address())
    return {"status": "accepted", "detail": "Follow the link sent to the new address to finish the change."}


@blueprint.route("/me/mfa/totp", methods=["POST"])
@blueprint.response(201, TotpEnrolmentOut)
@protected(blueprint, 409)
def begin_totp_enrolment() -> dict[str, str]:
    """Start enrolling an authenticator app: scan the otpauth URI, then confirm with a code."""
    user_id, _current = caller()
    with session_scope() as session:
        return asdict(handlers.begin_totp_enrolment(session, user_id))


@blueprint.route("/me/mfa/totp/confirm", methods=["POST"])
@blueprint.arguments(TotpCodeIn)
@blueprint.response(200, RecoveryCodesOut)
@protected(blueprint, 409)
def confirm_totp_enrolment(body: dict[str, Any]) -> dict[str, list[str]]:
    """Turn MFA on with the app's first code; answers recovery codes, shown only this once."""
    user_id, _current = caller()
    with session_scope() as session:
        codes = handlers.confirm_totp_enrolment(session, user_id, body["code"], client=client_address())
    return {"recovery_codes": codes}


@blueprint.route("/me/mfa/totp/disable", methods=["POST"])
@blueprint.arguments(TotpDisableIn)
@blueprint.response(204)
@protected(blueprint, 403, 409, 429)
def disable_totp(body: dict[str, Any]) -> None:
    """Turn MFA off, confirmed by the password and a current code."""
    user_id, _current = caller()
    with keeping_refusals() as session:
        handlers.disable_totp(session, user_id, body["password"], body["code"], client=client_address())


@blueprint.route("/me", methods=["GET"])
@blueprint.response(200, MeOut)
@protected(blueprint)
def me() -> dict[str, Any]:
    """The signed-in user's account and the entities it may act for."""
    with session_scope() as session:
        return handlers.profile(session, current_principal().user_id)


def create_app(**options: Any) -> Flask:
    """The accounts gateway; its verifier trusts this service's own unretired keys unless one is given.

    `signing_key` starts the key ring when the database holds none (default: ACCOUNTS_SIGNING_KEY or the key
    file); `key_ring_max_age` is how long the ring is cached (rotation shows within that).
    """
    seed: SigningKey | None = options.pop("signing_key", None)
    max_age = float(options.pop("key_ring_max_age", KEY_RING_MAX_AGE_SECONDS))
    ring_holder: dict[str, Flask] = {}

    def load_ring() -> KeyRing:
        with ring_holder["app"].extensions["cars.database"].session() as session:
            return handlers.load_key_ring(session, lambda: seed or SigningKey.load())

    ring = CachedKeyRing(load_ring, max_age)
    options.setdefault("verifier", KeyRingVerifier(ring))
    app = create_gateway(
        "accounts",
        [
            blueprint,
            links_routes.blueprint,
            vendors_routes.blueprint,
            audit_routes.blueprint,
            feed_partners_routes.blueprint,
        ],
        title="CARS accounts",
        problems=PROBLEMS,
        **options,
    )
    ring_holder["app"] = app
    app.extensions["accounts.key_ring"] = ring
    app.extensions["accounts.signing_key"] = CurrentSigningKey(ring)
    return app

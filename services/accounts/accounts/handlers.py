"""Accounts use cases: load, apply the rules, save, and queue events, in one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from accounts.audit.log import FAILURE, REFUSED, SUCCESS, record
from accounts.data_keys import data_key_ring
from accounts.domain import one_time_token, recovery_codes, sessions, throttling, totp
from accounts.domain.mfa_policy import authentication_methods, mfa_required, used_mfa
from accounts.domain.password_hashing import dummy_hash, hash_password, needs_rehash, verify_password
from accounts.domain.password_policy import check_password
from accounts.domain.username import check_username, is_valid_username, username_key
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
    RecordedRefusal,
    TooManyAttempts,
    UnknownSession,
    UnknownUser,
    UsernameTaken,
)
from accounts.links.claims import entity_claims
from accounts.models import (
    APPROVED,
    DEFAULT_ROLES,
    EntityLink,
    MfaChallenge,
    OneTimeToken,
    RecoveryCode,
    RefreshToken,
    SignInFailure,
    SigningKeyRecord,
    User,
    UserSession,
)
from accounts.signing_key import AccessToken, KeyRing, SigningKey, pem_text, signing_key_from_pem
from cars_shared import outbox
from cars_shared.config import PORTAL_URL
from cars_shared.events import make_event

OFFICER = "officer"
VERIFY_EMAIL_PATH = "/account/verify-email"
RESET_PASSWORD_PATH = "/account/reset-password"  # noqa: S105 - a portal path, not a secret
TOTP_FACTOR = "otp"
RECOVERY_CODE_FACTOR = "rcode"


def now_utc() -> datetime:
    return datetime.now(UTC)


@contextmanager
def keeping_refusals(unit_of_work: Callable[[], AbstractContextManager[Session]]) -> Iterator[Session]:
    """A unit of work that commits what a RecordedRefusal recorded (failure counts, audit) before re-raising it."""
    refusal: RecordedRefusal | None = None
    with unit_of_work() as session:
        try:
            yield session
        except RecordedRefusal as error:
            refusal = error
    if refusal is not None:
        raise refusal


# --- sign-up and e-mail verification -------------------------------------------------------------------------


def register_user(
    session: Session,
    username: str,
    email: str,
    password: str,
    *,
    client: str | None = None,
    portal_url: str | None = None,
) -> User:
    """Create an account under the username and password rules; queue user_registered and the verification e-mail."""
    check_username(username)
    check_password(password, username)
    key = username_key(username)
    if session.scalar(select(User.id).where(User.username_key == key)) is not None:
        raise UsernameTaken(username)
    user = User(
        id=str(uuid.uuid4()),
        username=username,
        username_key=key,
        email=email,
        password_hash=hash_password(password),
        roles=list(DEFAULT_ROLES),
        created_at=now_utc(),
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError as error:
        # A concurrent sign-up took the same username between the check and the insert.
        raise UsernameTaken(username) from error
    outbox.add(
        session,
        make_event("accounts", "user_registered", {"user_id": user.id, "username": user.username, "email": user.email}),
    )
    request_email_verification(session, user, user.email, portal_url=portal_url)
    record(session, actor_id=user.id, action="sign_up", target=user.id, outcome=SUCCESS, client=client)
    return user


def _issue_one_time_token(
    session: Session, user: User, purpose: str, email: str, now: datetime
) -> tuple[str, datetime]:
    token = one_time_token.new_token()
    expires = one_time_token.expires_at(purpose, now)
    session.add(
        OneTimeToken(
            token_hash=one_time_token.token_hash(token),
            user_id=user.id,
            purpose=purpose,
            email=email,
            created_at=now,
            expires_at=expires,
        )
    )
    return token, expires


def request_email_verification(
    session: Session, user: User, email: str, *, portal_url: str | None = None, now: datetime | None = None
) -> None:
    """Queue email_verification_requested: a single-use link that proves `user` reads `email`."""
    now = now or now_utc()
    token, expires = _issue_one_time_token(session, user, one_time_token.EMAIL_VERIFICATION, email, now)
    url = one_time_token.link(portal_url or PORTAL_URL.get(), VERIFY_EMAIL_PATH, token)
    payload = {"user_id": user.id, "username": user.username, "email": email, "verification_url": url}
    outbox.add(session, make_event("accounts", "email_verification_requested", {**payload, "expires_at": expires}))


def resend_email_verification(session: Session, user_id: str, *, portal_url: str | None = None) -> User:
    """Send a fresh verification link to the account's address, unless it is verified already."""
    user = user_by_id(session, user_id)
    if user.email_verified:
        raise EmailAlreadyVerified(user.email)
    request_email_verification(session, user, user.email, portal_url=portal_url)
    return user


def _usable_token(session: Session, token: str, purpose: str, now: datetime, client: str | None) -> OneTimeToken:
    found = session.get(OneTimeToken, one_time_token.token_hash(token), with_for_update=True)
    if (
        found is None
        or found.purpose != purpose
        or not one_time_token.is_usable(expires=found.expires_at, used=found.used_at, now=now)
    ):
        actor = found.user_id if found is not None else None
        record(session, actor_id=actor, action=f"{purpose}.use", target=actor, outcome=REFUSED, client=client)
        raise InvalidToken(purpose)
    return found


def _use_up_tokens(session: Session, user_id: str, purpose: str, now: datetime) -> None:
    session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.user_id == user_id, OneTimeToken.purpose == purpose, OneTimeToken.used_at.is_(None))
        .values(used_at=now)
    )


def verify_email(session: Session, token: str, *, client: str | None = None, now: datetime | None = None) -> User:
    """Mark the token's address verified; a new address replaces the old one, which gets a notice."""
    now = now or now_utc()
    found = _usable_token(session, token, one_time_token.EMAIL_VERIFICATION, now, client)
    user = user_by_id(session, found.user_id)
    _use_up_tokens(session, user.id, one_time_token.EMAIL_VERIFICATION, now)
    old_email = user.email
    user.email = found.email
    user.email_verified_at = now
    if found.email != old_email:
        payload = {"user_id": user.id, "username": user.username, "old_email": old_email, "new_email": found.email}
        outbox.add(session, make_event("accounts", "email_changed", payload))
        record(
            session,
            actor_id=user.id,
            action="email.change",
            target=user.id,
            outcome=SUCCESS,
            client=client,
            detail={"old_email": old_email, "new_email": found.email},
        )
    record(session, actor_id=user.id, action="email.verify", target=user.id, outcome=SUCCESS, client=client)
    return user


# --- throttling --------------------------------------------------------------------------------------------


def _failures_since(session: Session, key: str, since: datetime) -> list[datetime]:
    return list(
        session.scalars(
            select(SignInFailure.failed_at).where(SignInFailure.throttle_key == key, SignInFailure.failed_at > since)
        )
    )


def _throttles(username: str, client: str | None) -> list[tuple[str, throttling.ThrottlePolicy]]:
    return [
        (throttling.account_key(username), throttling.PER_ACCOUNT),
        (throttling.client_key(client), throttling.PER_CLIENT),
    ]


def check_throttle(
    session: Session, username: str, client: str | None, now: datetime, *, user_id: str | None = None
) -> None:
    """TooManyAttempts while the account or the client address is locked out (recorded in the audit log)."""
    for key, policy in _throttles(username, client):
        locked_for = policy.locked_for(_failures_since(session, key, now - policy.window), now)
        if locked_for is not None:
            retry_after = throttling.retry_after_seconds(locked_for)
            record(
                session,
                actor_id=user_id,
                action="sign_in",
                target=user_id,
                outcome=REFUSED,
                client=client,
                detail={"reason": "locked_out", "retry_after": retry_after},
            )
            raise TooManyAttempts(retry_after)


def record_failed_attempt(
    session: Session, username: str, client: str | None, now: datetime, *, user_id: str | None, step: str
) -> None:
    """Count a failure against the account and the address; audit it, and the lockout it may start."""
    detail: dict[str, Any] = {"step": step}
    if is_valid_username(username):
        detail["username"] = username
    record(session, actor_id=user_id, action="sign_in", target=user_id, outcome=FAILURE, client=client, detail=detail)
    for key, policy in _throttles(username, client):
        earlier = _failures_since(session, key, now - policy.window)
        session.add(SignInFailure(throttle_key=key, failed_at=now))
        if len(earlier) + 1 == policy.limit:
            record(
                session,
                actor_id=user_id,
                action="lockout",
                target=user_id,
                outcome=SUCCESS,
                client=client,
                detail={**detail, "scope": key.split(":", 1)[0], "minutes": int(policy.window.total_seconds() // 60)},
            )


def _clear_account_failures(session: Session, username: str) -> None:
    session.execute(delete(SignInFailure).where(SignInFailure.throttle_key == throttling.account_key(username)))


# --- sign-in, second factor, sessions ------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedTokens:
    """What a completed sign-in or refresh answers."""

    access_token: str
    expires_in: int
    refresh_token: str
    refresh_expires_in: int
    session_id: str
    token_type: str = "Bearer"  # noqa: S105 - the OAuth token type, not a secret
    status: str = "signed_in"


@dataclass(frozen=True)
class MfaRequired:
    """The password was right; the second step needs this challenge and a code."""

    challenge: str
    challenge_expires_in: int
    status: str = "mfa_required"


def _check_credentials(session: Session, username: str, password: str) -> tuple[User | None, bool]:
    user = None
    if is_valid_username(username):
        user = session.scalar(select(User).where(User.username_key == username_key(username)))
    if user is None:
        verify_password(dummy_hash(), password)
        return None, False
    return user, verify_password(user.password_hash, password)


def authenticate(session: Session, username: str, password: str) -> User:
    """The account these credentials open; unknown users cost one hash check like known ones."""
    user, matches = _check_credentials(session, username, password)
    if user is None or not matches:
        raise InvalidCredentials()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def sign_in(
    session: Session,
    signing_key: SigningKey,
    username: str,
    password: str,
    *,
    client: str | None = None,
    user_agent: str | None = None,
    now: datetime | None = None,
) -> IssuedTokens | MfaRequired:
    """Tokens for a new session, or an MFA challenge when the account has a second factor."""
    now = now or now_utc()
    check_throttle(session, username, client, now)
    user, matches = _check_credentials(session, username, password)
    if user is None or not matches:
        record_failed_attempt(session, username, client, now, user_id=user.id if user else None, step="password")
        raise InvalidCredentials()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    _clear_account_failures(session, username)
    if user.mfa_enabled:
        challenge = one_time_token.new_token()
        session.add(
            MfaChallenge(
                challenge_hash=one_time_token.token_hash(challenge),
                user_id=user.id,
                created_at=now,
                expires_at=now + sessions.MFA_CHALLENGE_LIFETIME,
                attempts=0,
            )
        )
        record(session, actor_id=user.id, action="sign_in", target=user.id, outcome="mfa_required", client=client)
        return MfaRequired(challenge, int(sessions.MFA_CHALLENGE_LIFETIME.total_seconds()))
    record(session, actor_id=user.id, action="sign_in", target=user.id, outcome=SUCCESS, client=client)
    return start_session(
        session, signing_key, user, authentication_methods(second_factor=None), client, user_agent, now
    )


def _second_factor(session: Session, user: User, code: str, now: datetime) -> str | None:
    """Which second factor `code` is ('otp' or 'rcode'), consuming it; None when it is not valid."""
    if user.mfa_secret is None:
        return None
    step = totp.matching_step(user.mfa_secret, code, now, user.mfa_last_step)
    if step is not None:
        user.mfa_last_step = step
        return TOTP_FACTOR
    if recovery_codes.looks_like_recovery_code(code):
        stored = session.get(RecoveryCode, recovery_codes.code_hash(code), with_for_update=True)
        if stored is not None and stored.user_id == user.id and stored.used_at is None:
            stored.used_at = now
            return RECOVERY_CODE_FACTOR
    return None


def complete_mfa_sign_in(
    session: Session,
    signing_key: SigningKey,
    challenge: str,
    code: str,
    *,
    client: str | None = None,
    user_agent: str | None = None,
    now: datetime | None = None,
) -> IssuedTokens:
    """The second sign-in step: the challenge from the first and a TOTP or recovery code."""
    now = now or now_utc()
    pending = session.get(MfaChallenge, one_time_token.token_hash(challenge), with_for_update=True)
    if pending is None or not one_time_token.is_usable(expires=pending.expires_at, used=pending.used_at, now=now):
        actor = pending.user_id if pending is not None else None
        record(session, actor_id=actor, action="sign_in.mfa", target=actor, outcome=REFUSED, client=client)
        raise InvalidChallenge()
    user = user_by_id(session, pending.user_id)
    check_throttle(session, user.username, client, now, user_id=user.id)
    factor = _second_factor(session, user, code, now)
    if factor is None:
        pending.attempts += 1
        if pending.attempts >= sessions.MFA_CHALLENGE_ATTEMPTS:
            pending.used_at = now
        record_failed_attempt(session, user.username, client, now, user_id=user.id, step="mfa")
        raise InvalidSecondFactor()
    pending.used_at = now
    _clear_account_failures(session, user.username)
    detail = {"factor": factor}
    if factor == RECOVERY_CODE_FACTOR:
        detail["recovery_codes_left"] = _recovery_codes_left(session, user.id)
    record(session, actor_id=user.id, action="sign_in", target=user.id, outcome=SUCCESS, client=client, detail=detail)
    methods = authentication_methods(second_factor=factor)
    return start_session(session, signing_key, user, methods, client, user_agent, now)


def _recovery_codes_left(session: Session, user_id: str) -> int:
    unused = (RecoveryCode.user_id == user_id) & RecoveryCode.used_at.is_(None)
    return session.scalar(select(func.count()).select_from(RecoveryCode).where(unused)) or 0


def access_claims(session: Session, user: User, user_session: UserSession) -> dict[str, Any]:
    """The claims besides identity and roles: entities, e-mail verification, MFA and the session id."""
    claims = entity_claims(session, user.id)
    entity_roles = [entity["role"] for entity in claims.get("entities", [])]
    return {
        **claims,
        "email_verified": user.email_verified,
        "mfa": used_mfa(user_session.amr),
        "mfa_required": mfa_required(user.roles, entity_roles),
        "amr": list(user_session.amr),
        "sid": user_session.id,
    }


def issue_access_token(session: Session, signing_key: SigningKey, user: User, user_session: UserSession) -> AccessToken:
    return signing_key.issue(
        user_id=user.id,
        username=user.username,
        roles=list(user.roles),
        extra_claims=access_claims(session, user, user_session),
    )


def _new_refresh_token(session: Session, user_session: UserSession, now: datetime) -> str:
    token = one_time_token.new_token()
    session.add(RefreshToken(token_hash=one_time_token.token_hash(token), session_id=user_session.id, created_at=now))
    return token


def _issued(
    session: Session, signing_key: SigningKey, user: User, user_session: UserSession, now: datetime
) -> IssuedTokens:
    refresh_token = _new_refresh_token(session, user_session, now)
    access = issue_access_token(session, signing_key, user, user_session)
    return IssuedTokens(
        access_token=access.access_token,
        expires_in=access.expires_in,
        refresh_token=refresh_token,
        refresh_expires_in=int((user_session.expires_at - now).total_seconds()),
        session_id=user_session.id,
    )


def start_session(
    session: Session,
    signing_key: SigningKey,
    user: User,
    amr: list[str],
    client: str | None,
    user_agent: str | None,
    now: datetime,
) -> IssuedTokens:
    """A new session (refresh-token family) and its first tokens."""
    user_session = UserSession(
        id=str(uuid.uuid4()),
        user_id=user.id,
        amr=list(amr),
        client=(client or None) and client[:100],
        user_agent=(user_agent or None) and user_agent[:200],
        created_at=now,
        last_used_at=now,
        expires_at=now + sessions.SESSION_LIFETIME,
    )
    session.add(user_session)
    session.flush()
    return _issued(session, signing_key, user, user_session, now)


def refresh_session(
    session: Session,
    signing_key: SigningKey,
    refresh_token: str,
    *,
    client: str | None = None,
    now: datetime | None = None,
) -> IssuedTokens:
    """Trade a refresh token for new tokens; a rotated one presented again revokes its whole session."""
    now = now or now_utc()
    stored = session.get(RefreshToken, one_time_token.token_hash(refresh_token), with_for_update=True)
    if stored is None:
        record(session, actor_id=None, action="session.refresh", target=None, outcome=REFUSED, client=client)
        raise InvalidRefreshToken()
    user_session = session.get_one(UserSession, stored.session_id)
    if stored.used_at is not None:
        if user_session.revoked_at is None:
            user_session.revoked_at, user_session.revoked_reason = now, "refresh_token_reused"
        record(
            session,
            actor_id=user_session.user_id,
            action="session.reuse_detected",
            target=user_session.id,
            outcome=REFUSED,
            client=client,
        )
        raise InvalidRefreshToken()
    if user_session.revoked_at is not None or user_session.expires_at <= now:
        record(
            session,
            actor_id=user_session.user_id,
            action="session.refresh",
            target=user_session.id,
            outcome=REFUSED,
            client=client,
        )
        raise InvalidRefreshToken()
    stored.used_at = now
    user_session.last_used_at = now
    return _issued(session, signing_key, user_by_id(session, user_session.user_id), user_session, now)


def active_sessions(session: Session, user_id: str, now: datetime | None = None) -> list[UserSession]:
    """The user's sessions that are neither revoked nor expired, most recently used first."""
    now = now or now_utc()
    return list(
        session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None), UserSession.expires_at > now)
            .order_by(UserSession.last_used_at.desc(), UserSession.id)
        )
    )


def revoke_session(
    session: Session, user_id: str, session_id: str, *, client: str | None = None, now: datetime | None = None
) -> None:
    """End one of the user's own sessions: its refresh token stops working."""
    now = now or now_utc()
    found = session.get(UserSession, session_id)
    if found is None or found.user_id != user_id or found.revoked_at is not None or found.expires_at <= now:
        raise UnknownSession(session_id)
    found.revoked_at, found.revoked_reason = now, "signed_out"
    record(session, actor_id=user_id, action="session.revoke", target=session_id, outcome=SUCCESS, client=client)


def revoke_all_sessions(
    session: Session,
    user_id: str,
    *,
    reason: str = "signed_out_everywhere",
    keep_session_id: str | None = None,
    client: str | None = None,
    now: datetime | None = None,
) -> int:
    """End every active session of the user (but `keep_session_id`); returns how many ended."""
    now = now or now_utc()
    ended = 0
    for found in active_sessions(session, user_id, now):
        if found.id != keep_session_id:
            found.revoked_at, found.revoked_reason = now, reason
            ended += 1
    detail = {"reason": reason, "sessions": ended}
    record(
        session,
        actor_id=user_id,
        action="session.revoke_all",
        target=user_id,
        outcome=SUCCESS,
        client=client,
        detail=detail,
    )
    return ended


# --- passwords and e-mail address ------------------------------------------------------------------------------


def _confirm_password(
    session: Session, user: User, password: str, *, field: str, client: str | None, action: str, now: datetime
) -> None:
    """ConfirmationFailed (counted like a failed sign-in) unless `password` is the user's current one."""
    check_throttle(session, user.username, client, now, user_id=user.id)
    if not verify_password(user.password_hash, password):
        record(session, actor_id=user.id, action=action, target=user.id, outcome=FAILURE, client=client)
        record_failed_attempt(session, user.username, client, now, user_id=user.id, step=action)
        raise ConfirmationFailed(field)


def change_password(
    session: Session,
    user_id: str,
    current_password: str,
    new_password: str,
    *,
    session_id: str | None = None,
    client: str | None = None,
    now: datetime | None = None,
) -> None:
    """Set a new password after checking the current one; every other session ends."""
    now = now or now_utc()
    user = user_by_id(session, user_id)
    _confirm_password(
        session, user, current_password, field="current_password", client=client, action="password.change", now=now
    )
    check_password(new_password, user.username)
    user.password_hash = hash_password(new_password)
    record(session, actor_id=user.id, action="password.change", target=user.id, outcome=SUCCESS, client=client)
    revoke_all_sessions(session, user.id, reason="password_changed", keep_session_id=session_id, client=client, now=now)


def request_password_reset(
    session: Session,
    email: str,
    *,
    client: str | None = None,
    portal_url: str | None = None,
    now: datetime | None = None,
) -> None:
    """E-mail a reset link to each account with this address (a few per hour at most); silent otherwise."""
    now = now or now_utc()
    users = session.scalars(select(User).where(func.lower(User.email) == email.lower()).order_by(User.id)).all()
    for user in users:
        recent = session.scalar(
            select(func.count())
            .select_from(OneTimeToken)
            .where(
                OneTimeToken.user_id == user.id,
                OneTimeToken.purpose == one_time_token.PASSWORD_RESET,
                OneTimeToken.created_at > now - one_time_token.LIFETIMES[one_time_token.PASSWORD_RESET],
            )
        )
        if recent >= one_time_token.MAX_RESETS_PER_HOUR:
            record(
                session,
                actor_id=None,
                action="password.reset_requested",
                target=user.id,
                outcome=REFUSED,
                client=client,
            )
            continue
        token, expires = _issue_one_time_token(session, user, one_time_token.PASSWORD_RESET, user.email, now)
        url = one_time_token.link(portal_url or PORTAL_URL.get(), RESET_PASSWORD_PATH, token)
        payload = {"user_id": user.id, "username": user.username, "email": user.email, "reset_url": url}
        outbox.add(session, make_event("accounts", "password_reset_requested", {**payload, "expires_at": expires}))
        record(
            session, actor_id=None, action="password.reset_requested", target=user.id, outcome=SUCCESS, client=client
        )


def reset_password(
    session: Session, token: str, new_password: str, *, client: str | None = None, now: datetime | None = None
) -> User:
    """Set a new password by an e-mailed reset token; every session ends and the lockout lifts."""
    now = now or now_utc()
    found = _usable_token(session, token, one_time_token.PASSWORD_RESET, now, client)
    user = user_by_id(session, found.user_id)
    check_password(new_password, user.username)
    user.password_hash = hash_password(new_password)
    _use_up_tokens(session, user.id, one_time_token.PASSWORD_RESET, now)
    _clear_account_failures(session, user.username)
    record(session, actor_id=user.id, action="password.reset", target=user.id, outcome=SUCCESS, client=client)
    revoke_all_sessions(session, user.id, reason="password_reset", client=client, now=now)
    return user


def request_email_change(
    session: Session,
    user_id: str,
    password: str,
    new_email: str,
    *,
    client: str | None = None,
    portal_url: str | None = None,
    now: datetime | None = None,
) -> User:
    """Send a verification link to the new address; the account keeps the old one until it is followed."""
    now = now or now_utc()
    user = user_by_id(session, user_id)
    _confirm_password(session, user, password, field="password", client=client, action="email.change", now=now)
    request_email_verification(session, user, new_email, portal_url=portal_url, now=now)
    detail = {"new_email": new_email}
    record(
        session,
        actor_id=user.id,
        action="email.change_requested",
        target=user.id,
        outcome=SUCCESS,
        client=client,
        detail=detail,
    )
    return user


# --- TOTP enrolment --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TotpEnrolment:
    secret: str
    otpauth_uri: str


def begin_totp_enrolment(session: Session, user_id: str) -> TotpEnrolment:
    """A new TOTP secret waiting for its first code; the account keeps signing in without it until then."""
    user = user_by_id(session, user_id)
    if user.mfa_enabled:
        raise MfaStateConflict("An authenticator is enrolled already; disable it before enrolling another.")
    user.mfa_pending_secret = totp.new_secret()
    return TotpEnrolment(user.mfa_pending_secret, totp.provisioning_uri(user.mfa_pending_secret, user.username))


def confirm_totp_enrolment(
    session: Session, user_id: str, code: str, *, client: str | None = None, now: datetime | None = None
) -> list[str]:
    """Turn MFA on with a first code from the authenticator; returns the recovery codes (shown only now)."""
    now = now or now_utc()
    user = user_by_id(session, user_id)
    if user.mfa_enabled or user.mfa_pending_secret is None:
        raise MfaStateConflict("No authenticator enrolment is waiting; start one first.")
    step = totp.matching_step(user.mfa_pending_secret, code, now)
    if step is None:
        raise InvalidEnrolmentCode()
    user.mfa_secret, user.mfa_pending_secret = user.mfa_pending_secret, None
    user.mfa_enabled_at, user.mfa_last_step = now, step
    codes = recovery_codes.new_codes()
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.add_all(RecoveryCode(code_hash=recovery_codes.code_hash(code), user_id=user.id) for code in codes)
    record(session, actor_id=user.id, action="mfa.enrol", target=user.id, outcome=SUCCESS, client=client)
    return codes


def disable_totp(
    session: Session, user_id: str, password: str, code: str, *, client: str | None = None, now: datetime | None = None
) -> None:
    """Turn MFA off, confirmed by the password and a current code; recovery codes are deleted."""
    now = now or now_utc()
    user = user_by_id(session, user_id)
    if not user.mfa_enabled:
        raise MfaStateConflict("No authenticator is enrolled.")
    _confirm_password(session, user, password, field="password", client=client, action="mfa.disable", now=now)
    if _second_factor(session, user, code, now) is None:
        record(session, actor_id=user.id, action="mfa.disable", target=user.id, outcome=FAILURE, client=client)
        record_failed_attempt(session, user.username, client, now, user_id=user.id, step="mfa.disable")
        raise ConfirmationFailed("code")
    user.mfa_secret = user.mfa_enabled_at = user.mfa_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    record(session, actor_id=user.id, action="mfa.disable", target=user.id, outcome=SUCCESS, client=client)


# --- the account, entity links --------------------------------------------------------------------------------


def user_by_id(session: Session, user_id: str) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise UnknownUser(user_id)
    return user


def profile(session: Session, user_id: str) -> dict[str, Any]:
    """The account as its owner sees it, with the entities it may act for."""
    user = user_by_id(session, user_id)
    claims = entity_claims(session, user.id)
    entity_roles = [entity["role"] for entity in claims.get("entities", [])]
    return {
        "user_id": user.id,
        "username": user.username,
        "email": user.email,
        "email_verified": user.email_verified,
        "mfa_enabled": user.mfa_enabled,
        "mfa_required": mfa_required(user.roles, entity_roles),
        "roles": list(user.roles),
        **claims,
    }


def link_registrant_to_entity(session: Session, event: dict[str, Any]) -> EntityLink:
    """The person who registered an entity becomes its approved officer, once; queue entity_link_approved."""
    entity = event["payload"]
    user = user_by_id(session, entity["registered_by"])
    existing = session.scalar(
        select(EntityLink).where(EntityLink.user_id == user.id, EntityLink.entity_id == entity["entity_id"])
    )
    if existing is not None:
        return existing
    link = EntityLink(
        id=str(uuid.uuid4()),
        user_id=user.id,
        entity_id=entity["entity_id"],
        role=OFFICER,
        status=APPROVED,
        created_at=now_utc(),
    )
    session.add(link)
    outbox.add(
        session,
        make_event(
            "accounts",
            "entity_link_approved",
            {
                "user_id": user.id,
                "entity_id": link.entity_id,
                "role": OFFICER,
                "link_id": link.id,
                "approval": "registration",
                "approved_by": user.id,
            },
        ),
    )
    return link


# --- signing keys -------------------------------------------------------------------------------------------


def _unretired_keys(session: Session) -> list[SigningKeyRecord]:
    return list(
        session.scalars(
            select(SigningKeyRecord)
            .where(SigningKeyRecord.retired_at.is_(None))
            .order_by(SigningKeyRecord.created_at.desc(), SigningKeyRecord.kid)
        )
    )


def _add_signing_key(session: Session, key: SigningKey, now: datetime) -> None:
    with session.begin_nested():
        session.add(SigningKeyRecord(kid=key.kid, private_pem=pem_text(key), created_at=now))


def load_key_ring(session: Session, seed: Callable[[], SigningKey] | None = None) -> KeyRing:
    """The unretired keys, newest first; with none, the seed key (the configured one) or a new key starts the ring."""
    records = _unretired_keys(session)
    if not records:
        candidate = seed() if seed is not None else SigningKey.generate()
        if session.get(SigningKeyRecord, candidate.kid) is not None:
            candidate = SigningKey.generate()
        try:
            _add_signing_key(session, candidate, now_utc())
        except IntegrityError:
            pass  # another process stored the same configured key first
        records = _unretired_keys(session)
    return KeyRing(tuple(signing_key_from_pem(record.private_pem) for record in records))


def rotate_signing_key(session: Session, now: datetime | None = None) -> SigningKey:
    """A new key signs from now on; the previous ones keep verifying until retired."""
    now = now or now_utc()
    newest = session.scalar(select(func.max(SigningKeyRecord.created_at)))
    if newest is not None and newest >= now:
        # Keys are ordered by creation time; the new one must come strictly last.
        now = newest + timedelta(microseconds=1)
    key = SigningKey.generate()
    _add_signing_key(session, key, now)
    record(session, actor_id=None, action="signing_key.rotate", target=key.kid, outcome=SUCCESS, client=None)
    return key


def retire_signing_keys(session: Session, now: datetime | None = None) -> list[str]:
    """Retire every key but the one that signs; tokens they signed stop verifying. Returns their kids."""
    now = now or now_utc()
    older = _unretired_keys(session)[1:]
    for stored in older:
        stored.retired_at = now
        record(session, actor_id=None, action="signing_key.retire", target=stored.kid, outcome=SUCCESS, client=None)
    return [stored.kid for stored in older]


# --- data keys -----------------------------------------------------------------------------------------------

RESEAL_BATCH = 500


def reseal_secrets(session: Session) -> int:
    """Seal every TOTP secret and signing key again with the newest data key (before an older key is dropped).

    Returns how many values were sealed again.
    """
    resealed = 0
    has_secret = User.mfa_secret.is_not(None) | User.mfa_pending_secret.is_not(None)
    after = ""
    while batch := list(
        session.scalars(select(User).where(has_secret, User.id > after).order_by(User.id).limit(RESEAL_BATCH))
    ):
        for user in batch:
            for attribute in ("mfa_secret", "mfa_pending_secret"):
                if getattr(user, attribute) is not None:
                    # Marked changed, the value is written, and so sealed, with the newest key.
                    flag_modified(user, attribute)
                    resealed += 1
        session.flush()
        after = batch[-1].id
    for stored in session.scalars(select(SigningKeyRecord)):
        flag_modified(stored, "private_pem")
        resealed += 1
    session.flush()
    current = data_key_ring().current.kid
    detail = {"values": resealed}
    record(
        session, actor_id=None, action="data_key.reseal", target=current, outcome=SUCCESS, client=None, detail=detail
    )
    return resealed

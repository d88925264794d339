"""Feed partner use cases: broker users through the management API, API keys and tokens, audited, with events.

A broker call happens inside the database transaction, after the partner's row is written (its unique slug
makes concurrent attempts wait) and before the audit entry and the event: when the call fails the transaction
rolls back and the route answers 502/503, and every broker step is an idempotent PUT or DELETE, so a retry
completes whatever a crash left behind.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from accounts import client_credentials
from accounts.audit.log import FAILURE, SUCCESS, record
from accounts.client_credentials import IssuedCredential, TokenSigner
from accounts.feed_partners import rules
from accounts.feed_partners.broker import BrokerAccounts, BrokerError
from accounts.feed_partners.exceptions import (
    CredentialNotFound,
    FeedPartnerNotFound,
    FeedPartnerRevoked,
    SlugTaken,
    TooManyCredentials,
    WrongPartnerSecret,
)
from accounts.feed_partners.models import ACTIVE, REVOKED, FeedPartner, FeedPartnerCredential
from cars_shared import outbox
from cars_shared.events import make_event


@dataclass(frozen=True)
class StaffCaller:
    """A member of staff, checked by the route, and the client address for the audit log."""

    user_id: str
    client: str | None


@dataclass(frozen=True)
class AmqpCredentials:
    """What a partner needs to subscribe over AMQP; the password exists only in this answer."""

    username: str
    password: str
    vhost: str
    url: str
    exchange: str
    queue_prefix: str
    permissions: rules.BrokerPermissions


@dataclass(frozen=True)
class ProvisionedPartner:
    partner: FeedPartner
    amqp: AmqpCredentials
    credential: IssuedCredential[FeedPartnerCredential]


@dataclass(frozen=True)
class PartnerToken:
    access_token: str
    expires_in: int
    token_type: str = "Bearer"  # noqa: S105 - the OAuth token type, not a secret


def now_utc() -> datetime:
    return datetime.now(UTC)


def target(partner_id: str) -> str:
    return f"feed_partner:{partner_id}"


def audit(session: Session, caller: StaffCaller, action: str, partner_id: str, detail: dict[str, Any]) -> None:
    record(
        session,
        actor_id=caller.user_id,
        action=action,
        target=target(partner_id),
        outcome=SUCCESS,
        client=caller.client,
        detail=detail,
    )


def record_broker_failure(
    session: Session, caller: StaffCaller, action: str, partner_id: str | None, error: BrokerError
) -> None:
    """Audit a staff action the broker made fail (in a transaction of its own: the action's rolled back)."""
    record(
        session,
        actor_id=caller.user_id,
        action=action,
        target=target(partner_id) if partner_id else None,
        outcome=FAILURE,
        client=caller.client,
        detail={"error": str(error)},
    )


def amqp_credentials(broker: BrokerAccounts, partner: FeedPartner, password: str) -> AmqpCredentials:
    return AmqpCredentials(
        username=rules.broker_user(partner.slug),
        password=password,
        vhost=broker.vhost,
        url=broker.settings.partner_url,
        exchange=rules.PUBLIC_EXCHANGE,
        queue_prefix=rules.queue_prefix(partner.slug),
        permissions=rules.broker_permissions(partner.slug),
    )


def partner_by_id(session: Session, partner_id: str, *, for_update: bool = False) -> FeedPartner:
    partner = session.get(FeedPartner, partner_id, with_for_update=for_update)
    if partner is None:
        raise FeedPartnerNotFound(partner_id)
    return partner


def active_partner(session: Session, partner_id: str) -> FeedPartner:
    partner = partner_by_id(session, partner_id, for_update=True)
    if partner.status != ACTIVE:
        raise FeedPartnerRevoked(partner_id)
    return partner


def list_partners(session: Session) -> list[FeedPartner]:
    return list(session.scalars(select(FeedPartner).order_by(FeedPartner.created_at, FeedPartner.id)))


def new_credential(session: Session, partner: FeedPartner, now: datetime) -> IssuedCredential[FeedPartnerCredential]:
    return client_credentials.new_credential(
        session,
        FeedPartnerCredential,
        key_id=rules.new_key_id(),
        secret=rules.new_secret(),
        now=now,
        feed_partner_id=partner.id,
    )


def create_partner(
    session: Session,
    broker: BrokerAccounts,
    caller: StaffCaller,
    name: str,
    contact_email: str,
    slug: str | None = None,
) -> ProvisionedPartner:
    """A feed partner with its broker user (permissions on its own queues only) and a first API key."""
    slug = rules.checked_slug(slug) if slug else rules.slug_of(name)
    if session.scalar(select(FeedPartner.id).where(FeedPartner.slug == slug)) is not None:
        raise SlugTaken(slug)
    now = now_utc()
    partner = FeedPartner(
        id=str(uuid.uuid4()),
        name=name,
        slug=slug,
        contact_email=contact_email,
        status=ACTIVE,
        created_by=caller.user_id,
        created_at=now,
    )
    session.add(partner)
    try:
        # Written before the broker is called: a concurrent attempt at the same slug waits here, then fails.
        session.flush()
    except IntegrityError as error:
        raise SlugTaken(slug) from error
    username = rules.broker_user(slug)
    password = rules.new_broker_password()
    try:
        broker.provision(username, password, rules.broker_permissions(slug))
    except BrokerError:
        broker.discard(username)
        raise
    issued = new_credential(session, partner, now)
    audit(
        session,
        caller,
        "feed_partner.create",
        partner.id,
        {
            "name": name,
            "slug": slug,
            "broker_user": username,
            "vhost": broker.vhost,
            "key_id": issued.credential.key_id,
        },
    )
    outbox.add(
        session, make_event("accounts", "feed_partner_created", {"feed_partner_id": partner.id, "name": partner.name})
    )
    return ProvisionedPartner(partner, amqp_credentials(broker, partner, password), issued)


def rotate_broker_password(
    session: Session, broker: BrokerAccounts, caller: StaffCaller, partner_id: str
) -> tuple[FeedPartner, AmqpCredentials]:
    """A new AMQP password; the old one stops working and connections opened with it are closed."""
    partner = active_partner(session, partner_id)
    username = rules.broker_user(partner.slug)
    password = rules.new_broker_password()
    # The whole provisioning again: it also repairs a user or permissions changed by hand.
    broker.provision(username, password, rules.broker_permissions(partner.slug))
    broker.close_connections(username)
    partner.amqp_password_rotated_at = now_utc()
    audit(session, caller, "feed_partner.rotate_amqp_password", partner.id, {"broker_user": username})
    return partner, amqp_credentials(broker, partner, password)


def revoke_partner(session: Session, broker: BrokerAccounts, caller: StaffCaller, partner_id: str) -> FeedPartner:
    """Delete the broker user (ending its connections) and its queues, stop its API keys; revoking twice is harmless."""
    partner = partner_by_id(session, partner_id, for_update=True)
    if partner.status == REVOKED:
        audit(session, caller, "feed_partner.revoke", partner.id, {"changed": False})
        return partner
    username = rules.broker_user(partner.slug)
    user_existed = broker.delete_user(username)
    queues = broker.delete_queues(rules.queue_prefix(partner.slug))
    now = now_utc()
    partner.status = REVOKED
    partner.revoked_by = caller.user_id
    partner.revoked_at = now
    keys = list(
        session.scalars(
            select(FeedPartnerCredential).where(
                FeedPartnerCredential.feed_partner_id == partner.id, FeedPartnerCredential.status == ACTIVE
            )
        )
    )
    for credential in keys:
        client_credentials.revoke(credential, now)
    audit(
        session,
        caller,
        "feed_partner.revoke",
        partner.id,
        {
            "changed": True,
            "broker_user": username,
            "broker_user_existed": user_existed,
            "queues_deleted": queues,
            "keys_revoked": [credential.key_id for credential in keys],
        },
    )
    outbox.add(
        session, make_event("accounts", "feed_partner_revoked", {"feed_partner_id": partner.id, "name": partner.name})
    )
    return partner


def credentials_of(session: Session, partner_id: str) -> list[FeedPartnerCredential]:
    partner = partner_by_id(session, partner_id)
    return list(
        session.scalars(
            select(FeedPartnerCredential)
            .where(FeedPartnerCredential.feed_partner_id == partner.id)
            .order_by(FeedPartnerCredential.created_at, FeedPartnerCredential.key_id)
        )
    )


def issue_credential(session: Session, caller: StaffCaller, partner_id: str) -> IssuedCredential[FeedPartnerCredential]:
    """One more API key for the partner, up to MAX_ACTIVE_CREDENTIALS active at a time."""
    partner = active_partner(session, partner_id)
    active = client_credentials.active_count(session, FeedPartnerCredential.feed_partner_id, partner.id)
    if active >= rules.MAX_ACTIVE_CREDENTIALS:
        raise TooManyCredentials(partner.id)
    issued = new_credential(session, partner, now_utc())
    audit(session, caller, "feed_partner.issue_key", partner.id, {"key_id": issued.credential.key_id})
    return issued


def active_credential(session: Session, partner: FeedPartner, key_id: str) -> FeedPartnerCredential:
    credential = None
    if rules.KEY_ID_PATTERN.match(key_id):
        credential = session.scalar(
            select(FeedPartnerCredential).where(
                FeedPartnerCredential.feed_partner_id == partner.id, FeedPartnerCredential.key_id == key_id
            )
        )
    if credential is None or credential.status != ACTIVE:
        raise CredentialNotFound(key_id)
    return credential


def rotate_credential(
    session: Session, caller: StaffCaller, partner_id: str, key_id: str, *, immediately: bool
) -> IssuedCredential[FeedPartnerCredential]:
    """A new secret for the key id; the old one works for the rotation overlap, or stops at once."""
    partner = active_partner(session, partner_id)
    credential = active_credential(session, partner, key_id)
    issued = client_credentials.rotate_secret(credential, rules.new_secret(), now_utc(), immediately=immediately)
    audit(session, caller, "feed_partner.rotate_key", partner.id, {"key_id": key_id, "immediately": immediately})
    return issued


def revoke_credential(session: Session, caller: StaffCaller, partner_id: str, key_id: str) -> None:
    """Stop the key and every secret of it at once."""
    partner = partner_by_id(session, partner_id)
    credential = active_credential(session, partner, key_id)
    client_credentials.revoke(credential, now_utc())
    audit(session, caller, "feed_partner.revoke_key", partner.id, {"key_id": key_id})


def issue_partner_token(session: Session, signing_key: TokenSigner, key_id: str, secret: str) -> PartnerToken:
    """Client credentials exchanged for a short-lived access token with role feed_partner and `feed_partner_id`."""
    now = now_utc()
    found = session.execute(
        select(FeedPartnerCredential, FeedPartner)
        .join(FeedPartner, FeedPartner.id == FeedPartnerCredential.feed_partner_id)
        .where(FeedPartnerCredential.key_id == key_id)
    ).one_or_none()
    if found is None:
        client_credentials.spend_one_hash(secret)
        raise WrongPartnerSecret(key_id)
    credential, partner = found
    if (
        not client_credentials.accepts_secret(credential, secret, now)
        or credential.status != ACTIVE
        or partner.status != ACTIVE
    ):
        raise WrongPartnerSecret(key_id)
    ttl = client_credentials.token_ttl(rules.TOKEN_TTL_SECONDS)
    # Extra claims override the standard ones: partner tokens expire sooner than people's.
    claims = {"feed_partner_id": partner.id, "exp": int(time.time()) + ttl}
    token = signing_key.issue(
        user_id=rules.SUBJECT_PREFIX + partner.id,
        username=partner.name,
        roles=[rules.FEED_PARTNER_ROLE],
        extra_claims=claims,
    )
    return PartnerToken(access_token=token.access_token, expires_in=ttl)

"""Failed attempts at claiming a migrated entity with an access code: audited (never the code), counted, throttled.

Failures count against the claimant (across entities), the entity (across claimants) and the client address;
while any of them is locked out every attempt is refused, a correct code included.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from accounts.audit.log import FAILURE, REFUSED, SUCCESS, record
from accounts.domain import throttling
from accounts.domain.entity_links import LinkRuleBroken
from accounts.exceptions import RecordedRefusal
from accounts.links.models import AccessCodeFailure

CLAIM_ACTION = "entity_claim"
LOCKOUT_ACTION = "entity_claim.lockout"


class AccessCodeRefused(LinkRuleBroken, RecordedRefusal):
    """The code claims nothing (wrong, used, replaced, expired, or the entity cannot be claimed); the attempt counts."""


class TooManyClaimAttempts(RecordedRefusal):
    """Too many failed codes for this claimant, entity or client address; try again after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def _throttles(user_id: str, entity_id: str, client: str | None) -> list[tuple[str, str, throttling.ThrottlePolicy]]:
    """(scope, throttle key, policy) of each count an attempt goes against."""
    return [
        ("claimant", throttling.claimant_key(user_id), throttling.CLAIMS_PER_CLAIMANT),
        ("entity", throttling.claimed_entity_key(entity_id), throttling.CLAIMS_PER_ENTITY),
        ("client", throttling.client_key(client), throttling.CLAIMS_PER_CLIENT),
    ]


def _failures_since(session: Session, key: str, since: datetime) -> list[datetime]:
    return list(
        session.scalars(
            select(AccessCodeFailure.failed_at).where(
                AccessCodeFailure.throttle_key == key, AccessCodeFailure.failed_at > since
            )
        )
    )


def check_claim_throttle(session: Session, user_id: str, entity_id: str, client: str | None, now: datetime) -> None:
    """TooManyClaimAttempts (recorded in the audit log) while the claimant, entity or address is locked out."""
    for scope, key, policy in _throttles(user_id, entity_id, client):
        locked_for = policy.locked_for(_failures_since(session, key, now - policy.window), now)
        if locked_for is not None:
            retry_after = throttling.retry_after_seconds(locked_for)
            record(
                session,
                actor_id=user_id,
                action=CLAIM_ACTION,
                target=f"entity:{entity_id}",
                outcome=REFUSED,
                client=client,
                detail={"reason": "locked_out", "scope": scope, "retry_after": retry_after},
            )
            raise TooManyClaimAttempts(retry_after)


def record_failed_claim(
    session: Session, user_id: str, entity_id: str, client: str | None, now: datetime, *, proof: str, reason: str
) -> None:
    """Audit a failed attempt (who, which entity, from where, why; never the code) and count it, noting lockouts."""
    detail = {"proof": proof, "reason": reason}
    target = f"entity:{entity_id}"
    record(session, actor_id=user_id, action=CLAIM_ACTION, target=target, outcome=FAILURE, client=client, detail=detail)
    for scope, key, policy in _throttles(user_id, entity_id, client):
        # Failures older than the window no longer count; dropping them keeps the table small.
        session.execute(
            delete(AccessCodeFailure).where(
                AccessCodeFailure.throttle_key == key, AccessCodeFailure.failed_at <= now - policy.window
            )
        )
        earlier = _failures_since(session, key, now - policy.window)
        session.add(AccessCodeFailure(throttle_key=key, failed_at=now))
        if len(earlier) + 1 == policy.limit:
            minutes = int(policy.window.total_seconds() // 60)
            record(
                session,
                actor_id=user_id,
                action=LOCKOUT_ACTION,
                target=target,
                outcome=SUCCESS,
                client=client,
                detail={"scope": scope, "minutes": minutes},
            )
    session.flush()

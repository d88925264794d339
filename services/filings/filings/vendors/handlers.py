"""Vendor use cases: webhook endpoints and deliveries, and judging sandbox submissions against the scenarios."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from cars_shared import outbox
from cars_shared.db import Database
from cars_shared.events import make_event
from cars_shared.logging import get_logger
from filings import SERVICE
from filings.domain import certification
from filings.domain.webhooks import (
    DELIVERED,
    FAILED,
    PENDING,
    SUBMISSION_DECIDED,
    RetrySchedule,
    new_signing_secret,
    same_origin,
)
from filings.models import Submission
from filings.vendors.models import (
    FAILING,
    PASSED,
    ScenarioResult,
    VendorCertification,
    WebhookDelivery,
    WebhookEndpoint,
)
from filings.vendors.sender import OutgoingWebhook, WebhookNotDelivered, WebhookSender

log = get_logger(__name__)

SANDBOX = "sandbox"
ACCEPTED = "accepted"
DELIVERY_BATCH = 20
# A claimed delivery not settled within this time (its worker died mid-send) is tried again: a vendor may
# receive a delivery twice, never zero times, and tells copies apart by the Cars-Delivery id.
CLAIM_LEASE = timedelta(minutes=2)
MAX_ERROR_LENGTH = 2000
# The submission's status resource, where the vendor reads its problems (a webhook carries only counts).
STATUS_URL = "/api/filings/v1/submissions/{submission_id}"


class WebhookNotConfigured(LookupError):
    """The vendor has not set a webhook URL."""


class DeliveryNotFound(LookupError):
    """The vendor has no webhook delivery with this id; `field` names the input that gave it."""

    def __init__(self, delivery_id: str, field: str = "delivery_id") -> None:
        super().__init__(delivery_id)
        self.field = field


class DeliveryStillPending(Exception):
    """The delivery is still queued or being tried; it cannot be redelivered yet."""


@dataclass(frozen=True)
class ConfiguredEndpoint:
    """A webhook endpoint, with its signing secret in clear when this answer created or rotated it."""

    endpoint: WebhookEndpoint
    new_secret: str | None


@dataclass(frozen=True)
class DeliveryRound:
    """What one pass over the due deliveries did."""

    delivered: int = 0
    retrying: int = 0
    failed: int = 0


def now_utc() -> datetime:
    return datetime.now(UTC)


# Webhook endpoints


def configure_webhook(
    session: Session, vendor_id: str, url: str, *, rotate_secret: bool = False, now: datetime | None = None
) -> ConfiguredEndpoint:
    """Set the vendor's webhook URL; the first time (or when asked) issue a new signing secret, shown once."""
    now = now or now_utc()
    endpoint = session.get(WebhookEndpoint, vendor_id, with_for_update=True)
    new_secret = None
    if endpoint is None:
        new_secret = new_signing_secret()
        try:
            with session.begin_nested():
                endpoint = WebhookEndpoint(
                    vendor_id=vendor_id,
                    url=url,
                    signing_secret=new_secret,
                    secret_created_at=now,
                    created_at=now,
                    updated_at=now,
                )
                session.add(endpoint)
        except IntegrityError:
            # A concurrent first call created the endpoint and answered its secret; this one sets the URL only.
            new_secret = None
            endpoint = session.get_one(WebhookEndpoint, vendor_id, with_for_update=True, populate_existing=True)
    if rotate_secret and new_secret is None:
        # The old secret stops at once: deliveries from now on carry only the new signature.
        new_secret = new_signing_secret()
        endpoint.signing_secret = new_secret
        endpoint.secret_created_at = now
    endpoint.url = url
    endpoint.updated_at = now
    session.flush()
    log.info("webhook_configured", vendor_id=vendor_id, secret_issued=new_secret is not None)
    return ConfiguredEndpoint(endpoint, new_secret)


def webhook_of(session: Session, vendor_id: str) -> WebhookEndpoint:
    endpoint = session.get(WebhookEndpoint, vendor_id)
    if endpoint is None:
        raise WebhookNotConfigured(vendor_id)
    return endpoint


def reseal_signing_secrets(session: Session) -> int:
    """Seal every webhook signing secret again with the newest data key (before an older key is dropped).

    Returns how many secrets were sealed again.
    """
    resealed = 0
    for endpoint in session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.vendor_id)):
        # Marked changed, the value is written, and so sealed, with the newest key.
        flag_modified(endpoint, "signing_secret")
        resealed += 1
    session.flush()
    log.info("webhook_secrets_resealed", count=resealed)
    return resealed


# Queueing deliveries


def submission_decided_payload(delivery_id: str, submission: Submission) -> dict[str, Any]:
    """The body of a submission.decided webhook: what was decided, never the filing's content."""
    return {
        "delivery_id": delivery_id,
        "event": SUBMISSION_DECIDED,
        "submission": {
            "submission_id": submission.submission_id,
            "space": submission.space,
            "status": submission.status,
            "form": submission.form,
            "entity_id": submission.entity_id,
            "filing_id": submission.filing_id,
            "amendment": submission.amendment,
            "error_count": len(submission.errors or ()),
            "warning_count": len(submission.warnings or ()),
            "decided_at": submission.decided_at.isoformat() if submission.decided_at else None,
            "status_url": STATUS_URL.format(submission_id=submission.submission_id),
        },
    }


def decided_for_vendor(event: dict[str, Any]) -> bool:
    """Whether a submission_decided event is of vendor software's submission (a person's has no webhook)."""
    return event["payload"]["vendor_id"] is not None


def decided_in_vendor_sandbox(event: dict[str, Any]) -> bool:
    """Whether a submission_decided event is of vendor software's sandbox submission (one to judge)."""
    return event["payload"]["vendor_id"] is not None and event["payload"]["space"] == SANDBOX


def queue_submission_webhook(session: Session, event: dict[str, Any], *, now: datetime | None = None) -> None:
    """On submission_decided: queue a webhook to the vendor that submitted it, if the vendor set one up.

    It goes to the submission's own webhook URL when that is on the same server as the vendor's endpoint.
    """
    decided = event["payload"]
    vendor_id = decided["vendor_id"]
    if vendor_id is None:
        return
    endpoint = session.get(WebhookEndpoint, vendor_id)
    if endpoint is None:
        return
    submission = session.get_one(Submission, decided["submission_id"])
    exists = session.scalar(
        select(WebhookDelivery.delivery_id).where(WebhookDelivery.submission_id == submission.submission_id)
    )
    if exists is not None:
        return
    url = submission.webhook_url
    if url is not None and not same_origin(url, endpoint.url):
        # Only the registered endpoint's URL was checked as a public https address; a submission may choose
        # another path on that server, never another server (CARS must not be aimed at internal addresses).
        log.warning("webhook_url_not_on_endpoint_origin", vendor_id=vendor_id, submission_id=submission.submission_id)
        url = None
    now = now or now_utc()
    delivery_id = str(uuid.uuid4())
    session.add(
        WebhookDelivery(
            delivery_id=delivery_id,
            vendor_id=vendor_id,
            submission_id=submission.submission_id,
            event=SUBMISSION_DECIDED,
            payload=submission_decided_payload(delivery_id, submission),
            url=url,
            status=PENDING,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )
    log.info("webhook_queued", vendor_id=vendor_id, delivery_id=delivery_id, submission_id=submission.submission_id)


# Delivering


def deliver_due_webhooks(
    database: Database,
    sender: WebhookSender,
    *,
    now: datetime | None = None,
    schedule: RetrySchedule = RetrySchedule(),
    batch_size: int = DELIVERY_BATCH,
) -> DeliveryRound:
    """Claim due deliveries, post each, then record the outcome; each step commits on its own."""
    now = now or now_utc()
    with database.session() as session:
        claimed = claim_due_deliveries(session, now, batch_size)
    counts = {DELIVERED: 0, PENDING: 0, FAILED: 0}
    for webhook in claimed:
        try:
            status_code = sender.send(webhook)
        except WebhookNotDelivered as error:
            with database.session() as session:
                status = record_delivery_failure(
                    session, webhook.delivery_id, error.reason, error.status_code, now, schedule
                )
        else:
            with database.session() as session:
                status = record_delivery(session, webhook.delivery_id, status_code, now)
        counts[status] += 1
    return DeliveryRound(delivered=counts[DELIVERED], retrying=counts[PENDING], failed=counts[FAILED])


def claim_due_deliveries(session: Session, now: datetime, limit: int = DELIVERY_BATCH) -> list[OutgoingWebhook]:
    """Count an attempt on up to `limit` due deliveries and lease them (skipping rows another worker holds)."""
    due = session.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.status == PENDING, WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.delivery_id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    endpoints = {
        endpoint.vendor_id: endpoint
        for endpoint in session.scalars(
            select(WebhookEndpoint).where(WebhookEndpoint.vendor_id.in_({delivery.vendor_id for delivery in due}))
        )
    }
    claimed = []
    for delivery in due:
        endpoint = endpoints.get(delivery.vendor_id)
        if endpoint is None:
            # Deliveries are queued only for vendors with an endpoint; without its secret nothing can be signed.
            delivery.status = FAILED
            delivery.next_attempt_at = None
            delivery.last_error = "The vendor has no webhook endpoint."
            continue
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.next_attempt_at = now + CLAIM_LEASE
        claimed.append(
            OutgoingWebhook(
                delivery_id=delivery.delivery_id,
                event=delivery.event,
                url=delivery.url or endpoint.url,
                body=webhook_body(delivery.payload),
                signing_secret=endpoint.signing_secret,
            )
        )
    return claimed


def webhook_body(payload: dict[str, Any]) -> bytes:
    """The exact bytes posted (and signed)."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8")


def record_delivery(session: Session, delivery_id: str, status_code: int, now: datetime) -> str:
    """The vendor's server took the delivery."""
    delivery = session.get_one(WebhookDelivery, delivery_id)
    delivery.status = DELIVERED
    delivery.delivered_at = now
    delivery.next_attempt_at = None
    delivery.last_status_code = status_code
    delivery.last_error = None
    log.info("webhook_delivered", delivery_id=delivery_id, vendor_id=delivery.vendor_id, attempts=delivery.attempts)
    return DELIVERED


def record_delivery_failure(
    session: Session,
    delivery_id: str,
    reason: str,
    status_code: int | None,
    now: datetime,
    schedule: RetrySchedule,
) -> str:
    """Schedule the next attempt with backoff, or give up (status failed, redeliverable) when attempts ran out."""
    delivery = session.get_one(WebhookDelivery, delivery_id)
    delivery.last_error = reason[:MAX_ERROR_LENGTH]
    delivery.last_status_code = status_code
    retry_at = schedule.next_attempt_at(delivery.attempts, now)
    if retry_at is None:
        delivery.status = FAILED
        delivery.next_attempt_at = None
        log.warning("webhook_failed", delivery_id=delivery_id, vendor_id=delivery.vendor_id, error=reason)
        return FAILED
    delivery.next_attempt_at = retry_at
    log.info("webhook_retry_scheduled", delivery_id=delivery_id, attempts=delivery.attempts, retry_at=retry_at)
    return PENDING


# The vendor's view of its deliveries


def deliveries_of(
    session: Session, vendor_id: str, *, status: str | None = None, before: str | None = None, limit: int = 50
) -> list[WebhookDelivery]:
    """The vendor's deliveries, newest first; `before` (a delivery id) continues a previous page."""
    query = select(WebhookDelivery).where(WebhookDelivery.vendor_id == vendor_id)
    if status is not None:
        query = query.where(WebhookDelivery.status == status)
    if before is not None:
        cursor = session.get(WebhookDelivery, before)
        if cursor is None or cursor.vendor_id != vendor_id:
            raise DeliveryNotFound(before, field="before")
        query = query.where(
            or_(
                WebhookDelivery.created_at < cursor.created_at,
                and_(
                    WebhookDelivery.created_at == cursor.created_at,
                    WebhookDelivery.delivery_id < cursor.delivery_id,
                ),
            )
        )
    newest_first = query.order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.delivery_id.desc())
    return list(session.scalars(newest_first.limit(limit)))


def delivery_of(session: Session, vendor_id: str, delivery_id: str) -> WebhookDelivery:
    """One of the vendor's deliveries; another vendor's is as unknown as a missing one."""
    delivery = session.get(WebhookDelivery, delivery_id, with_for_update=True)
    if delivery is None or delivery.vendor_id != vendor_id:
        raise DeliveryNotFound(delivery_id)
    return delivery


def redeliver(session: Session, vendor_id: str, delivery_id: str, *, now: datetime | None = None) -> WebhookDelivery:
    """Queue a delivered or failed delivery again, with a fresh round of attempts and the same delivery id."""
    delivery = delivery_of(session, vendor_id, delivery_id)
    if delivery.status == PENDING:
        raise DeliveryStillPending(delivery_id)
    webhook_of(session, vendor_id)
    delivery.status = PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = now or now_utc()
    delivery.delivered_at = None
    log.info("webhook_redelivery_requested", vendor_id=vendor_id, delivery_id=delivery_id)
    return delivery


# Certification


def decided_submission(session: Session, submission: Submission) -> certification.DecidedSubmission:
    """What certification reads of a submission: its outcome, its error paths, whose filing it amends."""
    amends_own_filing = False
    if submission.amends_filing_id is not None:
        amends_own_filing = (
            session.scalar(
                select(Submission.submission_id)
                .where(
                    Submission.vendor_id == submission.vendor_id,
                    Submission.space == SANDBOX,
                    Submission.status == ACCEPTED,
                    Submission.filing_id == submission.amends_filing_id,
                    # The original version: whoever amended it since, the vendor must have filed it.
                    Submission.amendment == 0,
                )
                .limit(1)
            )
            is not None
        )
    error_paths = tuple(
        str(problem.get("path", ""))
        for problem in submission.errors or ()
        if isinstance(problem, dict) and problem.get("level", "error") == "error"
    )
    return certification.DecidedSubmission(
        submission_id=submission.submission_id,
        form=submission.form,
        status=submission.status,
        amendment=submission.amendment,
        error_paths=error_paths,
        amends_own_filing=amends_own_filing,
    )


def lock_certification(session: Session, vendor_id: str) -> VendorCertification:
    """The vendor's progress row, created if new and locked, so one submission of the vendor is judged at a time.

    Without the lock, two submissions passing the last two scenarios at once would each miss the other's pass.
    """
    dialect = session.get_bind().dialect.name
    insert = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}[dialect]
    session.execute(insert(VendorCertification).values(vendor_id=vendor_id).on_conflict_do_nothing())
    return session.get_one(VendorCertification, vendor_id, with_for_update=True, populate_existing=True)


def judge_sandbox_submission(
    session: Session, event: dict[str, Any], *, now: datetime | None = None
) -> list[certification.Verdict]:
    """On submission_decided: judge a vendor's sandbox submission against the scenarios and keep the results.

    Once every scenario has passed, vendor_scenarios_passed is published, the first time only.
    """
    decided = event["payload"]
    vendor_id = decided["vendor_id"]
    if vendor_id is None or decided["space"] != SANDBOX:
        return []
    submission = session.get_one(Submission, decided["submission_id"])
    if submission.vendor_id != vendor_id or submission.space != SANDBOX:
        return []
    now = now or now_utc()
    progress = lock_certification(session, vendor_id)
    verdicts = certification.verdicts(decided_submission(session, submission))
    for verdict in verdicts:
        record_verdict(session, vendor_id, submission, verdict, now)
    if progress.all_passed_at is None:
        passed = set(
            session.scalars(
                select(ScenarioResult.scenario).where(
                    ScenarioResult.vendor_id == vendor_id, ScenarioResult.status == PASSED
                )
            )
        )
        if certification.all_passed(passed):
            progress.all_passed_at = now
            outbox.add(
                session,
                make_event(
                    SERVICE,
                    "vendor_scenarios_passed",
                    {"vendor_id": vendor_id, "passed_at": now, "scenarios": list(certification.SCENARIO_CODES)},
                ),
            )
            log.info("vendor_scenarios_passed", vendor_id=vendor_id)
    return verdicts


def record_verdict(
    session: Session, vendor_id: str, submission: Submission, verdict: certification.Verdict, now: datetime
) -> None:
    """Keep the first pass of a scenario; until then, the latest attempt and why it fell short."""
    result = session.get(ScenarioResult, (vendor_id, verdict.scenario.code))
    if result is not None and result.status == PASSED:
        return
    if result is None:
        result = ScenarioResult(vendor_id=vendor_id, scenario=verdict.scenario.code)
        session.add(result)
    result.last_attempt_submission_id = submission.submission_id
    result.last_attempt_at = now
    if verdict.passed:
        result.status = PASSED
        result.passed_submission_id = submission.submission_id
        result.passed_filing_id = submission.filing_id
        result.passed_at = now
        result.last_failure = None
    else:
        result.status = FAILING
        result.last_failure = verdict.reason


@dataclass(frozen=True)
class ScenarioStanding:
    """One scenario with the vendor's result on it, if any."""

    scenario: certification.Scenario
    result: ScenarioResult | None


@dataclass(frozen=True)
class CertificationProgress:
    vendor_id: str
    standings: list[ScenarioStanding]
    all_passed_at: datetime | None


def certification_of(session: Session, vendor_id: str) -> CertificationProgress:
    """Every scenario in order with the vendor's result on it, and when the vendor first passed them all."""
    results = {
        result.scenario: result
        for result in session.scalars(select(ScenarioResult).where(ScenarioResult.vendor_id == vendor_id))
    }
    progress = session.get(VendorCertification, vendor_id)
    return CertificationProgress(
        vendor_id=vendor_id,
        standings=[ScenarioStanding(scenario, results.get(scenario.code)) for scenario in certification.SCENARIOS],
        all_passed_at=progress.all_passed_at if progress else None,
    )

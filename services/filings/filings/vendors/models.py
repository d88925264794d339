"""Tables of vendor webhooks and certification results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cars_shared.db_types import UtcDateTime
from cars_shared.sealed_text import SealedText
from filings.data_keys import DATA_KEYS
from filings.domain.webhooks import DELIVERY_STATUSES, MAX_URL_LENGTH, PENDING
from filings.models import Base

SEALED_COLUMN = "vendor_webhook_endpoints.signing_secret"
"""Where each sealed signing secret is stored: a value moved to another column no longer opens."""

PASSED = "passed"
FAILING = "failing"
SCENARIO_STATUSES: tuple[str, ...] = (PASSED, FAILING)


class WebhookEndpoint(Base):
    """Where a vendor wants its webhooks, and the secret that signs them.

    Every delivery is signed with the secret, so it must be readable (a hash could not sign): it is encrypted
    with the filings data keys instead. It is shown to the vendor only in the answer that creates or rotates it.
    """

    __tablename__ = "vendor_webhook_endpoints"

    vendor_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    url: Mapped[str] = mapped_column(String(MAX_URL_LENGTH))
    signing_secret: Mapped[str] = mapped_column(SealedText(SEALED_COLUMN, DATA_KEYS))
    secret_created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class WebhookDelivery(Base):
    """One webhook to a vendor, kept with its attempts until delivered or given up on (and then redeliverable)."""

    __tablename__ = "vendor_webhook_deliveries"
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in DELIVERY_STATUSES)})", name="ck_webhook_status"),
        Index("ix_vendor_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_vendor_webhook_deliveries_vendor", "vendor_id", "created_at"),
    )

    delivery_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    vendor_id: Mapped[str] = mapped_column(String(64))
    # One delivery per decided submission: a redelivered submission_decided event queues nothing new.
    submission_id: Mapped[str] = mapped_column(String(36), unique=True)
    event: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The submission's own webhook URL; None sends to the vendor's endpoint as it is at each attempt.
    url: Mapped[str | None] = mapped_column(String(MAX_URL_LENGTH), nullable=True)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ScenarioResult(Base):
    """A vendor's standing on one certification scenario: passed (by which submission) or still failing (why)."""

    __tablename__ = "vendor_scenario_results"
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in SCENARIO_STATUSES)})", name="ck_scenario_status"),
    )

    vendor_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    scenario: Mapped[str] = mapped_column(String(40), primary_key=True)
    status: Mapped[str] = mapped_column(String(10))
    passed_submission_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    passed_filing_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    passed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_attempt_submission_id: Mapped[str] = mapped_column(String(36))
    last_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_failure: Mapped[str | None] = mapped_column(Text, nullable=True)


class VendorCertification(Base):
    """A vendor's certification progress; its row is locked while a submission of the vendor is judged.

    `all_passed_at` is when the vendor first passed every scenario (vendor_scenarios_passed was published then).
    """

    __tablename__ = "vendor_certifications"

    vendor_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    all_passed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

"""The fees HTTP gateway."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Flask
from flask_smorest import Blueprint

from cars_shared.web.app import create_gateway
from fees import permissions
from fees.domain.aging import AGING_BUCKETS
from fees.domain.annual_fee import FEE_SCHEDULE
from fees.domain.late_filing import LATE_FILING_SCHEDULE
from fees.domain.late_payment import LATE_PAYMENT_SCHEDULE
from fees.domain.reminders import REMINDER_SCHEDULE
from fees.payments import routes as payment_routes
from fees.schemas import FeeScheduleOut
from fees.staff import routes as staff_routes
from fees.statements import routes as statement_routes

blueprint = Blueprint("fees", __name__, description="Fees, penalties, fines and payments")


def _rules(schedule: tuple[Any, ...]) -> list[dict[str, Any]]:
    return [
        {name: sorted(value) if isinstance(value, frozenset) else value for name, value in asdict(rule).items()}
        for rule in schedule
    ]


@blueprint.route("/schedule", methods=["GET"])
@permissions.public_read
@blueprint.response(200, FeeScheduleOut)
def fee_schedule() -> dict[str, Any]:
    """The fee rules in force and past, as data: annual fee, late payment penalty, late filing fine, reminders."""
    return {
        "annual_fee": _rules(FEE_SCHEDULE),
        "late_payment": _rules(LATE_PAYMENT_SCHEDULE),
        "late_filing": _rules(LATE_FILING_SCHEDULE),
        "reminders": _rules(REMINDER_SCHEDULE),
        "aging_buckets": [asdict(bucket) for bucket in AGING_BUCKETS],
    }


def create_app(**options: Any) -> Flask:
    """The fees gateway: the public fee schedule, statements and receivables, the staff routes, payments."""
    return create_gateway(
        "fees",
        [blueprint, statement_routes.blueprint, staff_routes.blueprint, payment_routes.blueprint],
        title="CARS fees",
        **options,
    )

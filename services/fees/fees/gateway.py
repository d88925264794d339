"""The fees HTTP gateway."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Flask
from flask_smorest import Blueprint

from cars_shared.web.app import create_gateway
from fees import permissions
from fees.domain.annual_fee import FEE_SCHEDULE
from fees.schemas import FeeScheduleOut

blueprint = Blueprint("fees", __name__, description="Fees, penalties, fines and payments")


@blueprint.route("/schedule", methods=["GET"])
@permissions.public_read
@blueprint.response(200, FeeScheduleOut)
def fee_schedule() -> dict[str, Any]:
    """The fee rules in force and past, as data."""
    return {"annual_fee": [asdict(rule) for rule in FEE_SCHEDULE]}


def create_app(**options: Any) -> Flask:
    return create_gateway("fees", [blueprint], title="CARS fees", **options)

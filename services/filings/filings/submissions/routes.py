"""The e-filing API's submission routes: submit, and follow a submission's status."""

from __future__ import annotations

from flask_smorest import Blueprint

blueprint = Blueprint(
    "submissions", __name__, description="Submitting filings (people and vendor software) and following their status"
)

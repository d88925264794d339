"""Filing calendars and deadlines routes."""

from __future__ import annotations

from flask_smorest import Blueprint

blueprint = Blueprint("deadlines", __name__, description="Filing periods, deadlines and late filings")

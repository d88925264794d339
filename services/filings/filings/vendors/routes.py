"""Vendor routes: webhooks and certification results."""

from __future__ import annotations

from flask_smorest import Blueprint

blueprint = Blueprint("vendors", __name__, description="Vendor webhooks and certification scenarios")
